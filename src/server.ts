/** The only file that listens. Graceful shutdown: finish in-flight requests, close Redis. */
import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import { loadConfig } from './config.js'
import { accessPolicy } from './access.js'

let config
let app
try {
  config = loadConfig()
  app = await buildApp({ config })
} catch (err) {
  // an invalid environment or rules directory lands here: print the variable or file:line and the
  // reason, plainly, without a stack trace an operator cannot act on
  const code = (err as { code?: unknown }).code
  console.error(typeof code === 'string' && code.startsWith('AR_ERR_') ? `${code}: ${(err as Error).message}` : (err as Error).message)
  process.exit(1)
}
// SIGHUP is the reload signal (src/plugins/rules.ts), not a shutdown: close-with-grace would treat
// it as one and the service would exit 0, silently, on `kill -HUP`
closeWithGrace({ delay: 10_000, skip: ['SIGHUP'] }, async ({ err, signal }) => {
  if (err) app.log.error({ err }, 'shutting down after an error')
  else app.log.info({ signal }, 'shutting down: pending claims end now, in-flight requests finish')
  await app.close()
})
const access = accessPolicy(config)
app.log.info(access.line)
await app.listen({ port: config.PORT, host: access.host })
