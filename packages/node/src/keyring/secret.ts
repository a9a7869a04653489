/** Finding the operator secret: `--secret-file FILE`, else env `PAGDANDI_SECRET`. */
import { readFile } from 'node:fs/promises'
import { OperatorSecretError } from './errors.js'

/** Shortest secret accepted: a passphrase, not a PIN. */
export const MIN_SECRET_LENGTH = 12

/** Reads the operator secret; the file's trailing newline is not part of it. */
export async function resolveSecret(opts: {
  secretFile?: string | undefined
  env: NodeJS.ProcessEnv
}): Promise<string> {
  let secret: string | undefined
  if (opts.secretFile !== undefined) {
    try {
      secret = (await readFile(opts.secretFile, 'utf8')).replace(/\r?\n$/, '')
    } catch (err) {
      throw new OperatorSecretError(`cannot read the secret file ${opts.secretFile}`, err)
    }
  } else {
    secret = opts.env.PAGDANDI_SECRET
  }
  if (secret === undefined || secret.length === 0) {
    throw new OperatorSecretError('no operator secret: set PAGDANDI_SECRET or pass --secret-file FILE')
  }
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new OperatorSecretError(`the operator secret must be at least ${MIN_SECRET_LENGTH} characters`)
  }
  return secret
}
