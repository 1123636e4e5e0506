/** The only file that listens. Graceful shutdown: finish in-flight requests, close Redis. */
import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import { loadConfig } from './config.js'

const config = loadConfig()
let app
try {
  app = await buildApp({ config })
} catch (err) {
  // an invalid rules directory lands here: print file:line and the reason, plainly
  console.error((err as Error).message)
  process.exit(1)
}
closeWithGrace({ delay: 10_000 }, async ({ err }) => {
  if (err) app.log.error({ err }, 'shutting down after an error')
  await app.close()
})
await app.listen({ port: config.PORT, host: config.HOST })
