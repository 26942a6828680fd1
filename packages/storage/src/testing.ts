/**
 * Test-only helpers: a small logged page format with its own resource
 * manager, for crash tests and benchmarks of anything built on @pg/storage;
 * an Smgr wrapper that fails on demand; a checker of a fork's segment files.
 */
export {
  DEMO_INIT,
  DEMO_SET,
  DEMO_SLOTS,
  type DemoSet,
  demoInit,
  demoInitPage,
  demoReadBlock,
  demoReadPage,
  demoRmgr,
  demoSet,
  RM_DEMO_ID,
} from './internal/demo-rmgr.js';
export { checkFsmFork } from './internal/fsm.js';
export type { MapViolation } from './internal/fsm-page.js';
export { checkFsmPage } from './internal/fsm-page.js';
export {
  type FaultyCall,
  type FaultyOp,
  FaultySmgr,
  type FaultySmgrOptions,
  type SmgrCall,
} from './internal/smgr-faulty.js';
export { checkForkFiles } from './internal/smgr-file.js';
export { checkVmPage } from './internal/vm.js';
