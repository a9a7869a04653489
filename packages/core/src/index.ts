/** @pagdandi/core: the pure, isomorphic heart of Pagdandi. Import a module by its subpath. */
export { PagdandiError } from './errors.js'
