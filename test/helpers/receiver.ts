/**
 * A local HTTP receiver for outbound webhooks (127.0.0.1, a free port), recording every request.
 * `answer` decides each response by the request's number (0-based); return 'hang' to never answer.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { once } from 'node:events'
import { afterEach } from 'vitest'

export interface Received { headers: IncomingMessage['headers']; body: string; json: Record<string, unknown>; status: number | 'hang' }

const open: Array<() => Promise<void>> = []
afterEach(async () => { await Promise.all(open.splice(0).map((c) => c())) })

export async function receiver (answer: (n: number, body: Record<string, unknown>) => number | 'hang' = () => 200) {
  const requests: Received[] = []
  const hanging: ServerResponse[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (c: string) => { body += c })
    req.on('end', () => {
      const json = JSON.parse(body) as Record<string, unknown>
      const status = answer(requests.length, json)
      requests.push({ headers: req.headers, body, json, status })
      if (status === 'hang') { hanging.push(res); return }
      res.writeHead(status, { 'content-type': 'application/json' }).end('{}')
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  const close = async () => {
    for (const r of hanging) r.destroy()
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
  open.push(close)
  return {
    url: `http://127.0.0.1:${port}/outbound`,
    requests,
    /** requests answered 2xx: deliveries the receiver accepted */
    delivered: () => requests.filter((r) => typeof r.status === 'number' && r.status < 300)
  }
}
