export {
  BLOCK_LENGTH,
  ENDGAME_AFTER_MS,
  EXTENT_BYTES,
  MAX_CRITICAL_REQUESTS,
  MAX_DUPLICATE_REQUESTS,
  PiecePicker,
  type BlockArrival,
  type BlockRequest,
  type InFlight,
  type PickOptions,
  type PickerGeometry,
  type Priorities,
} from './piece-picker.ts'
