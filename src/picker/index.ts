export { BLOCK_LENGTH, MAX_DUPLICATE_REQUESTS, PiecePicker, type BlockArrival, type BlockRequest, type PickerGeometry } from './piece-picker.ts'
