/** Today's per-hour traffic (src/analytics/traffic.ts), fed by the webhook, read by the console. */
import fp from 'fastify-plugin'
import { TrafficTally } from '../analytics/traffic.js'

declare module 'fastify' {
  interface FastifyInstance { traffic: TrafficTally }
}

export default fp(async (app) => {
  app.decorate('traffic', new TrafficTally())
}, { name: 'traffic' })
