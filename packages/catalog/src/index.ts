export type {
  ColumnDesc,
  IndexDesc,
  RelationDesc,
  RelKind,
  RelPersistence,
} from './internal/desc.js';
