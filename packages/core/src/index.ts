/** @pagdandi/core: the pure, isomorphic heart of Pagdandi. Import a module by its subpath. */
export { PagdandiError, UnsupportedVersionError } from './errors.js'
export { bytesEqual, compareBytes, concatBytes, toHex, utf8Decode, utf8Encode } from './bytes.js'
