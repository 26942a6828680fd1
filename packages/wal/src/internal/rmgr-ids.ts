/** The XLOG resource manager's id (PostgreSQL's RM_XLOG_ID). */
export const RM_XLOG_ID = 0;
/** XLOG record: shutdown checkpoint (PostgreSQL's XLOG_CHECKPOINT_SHUTDOWN). */
export const XLOG_CHECKPOINT_SHUTDOWN = 0x00;
/** XLOG record: online checkpoint (XLOG_CHECKPOINT_ONLINE). */
export const XLOG_CHECKPOINT_ONLINE = 0x10;
/** XLOG record: segment switch (XLOG_SWITCH). */
export const XLOG_SWITCH = 0x40;
