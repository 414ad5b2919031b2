import { InvalidInputError } from '../util/errors.ts'

/** The bytes are not valid bencode. */
export class BencodeError extends InvalidInputError {
  override name = 'BencodeError'
  constructor(message: string, readonly offset: number) {
    super('BENCODE_INVALID', `${message} at byte ${offset}`)
  }
}
