/**
 * A loopback TCP proxy that can cut every connection and refuse new ones, to break the service's
 * Redis connection mid-test the way a network partition or a Redis restart does.
 */
import net from 'node:net'
import { once } from 'node:events'

export class TcpProxy {
  private readonly server: net.Server
  private readonly sockets = new Set<net.Socket>()
  private refusing = false

  constructor (private readonly target: { host: string; port: number }) {
    this.server = net.createServer((client) => this.accept(client))
  }

  async listen (): Promise<number> {
    this.server.listen(0, '127.0.0.1')
    await once(this.server, 'listening')
    return (this.server.address() as net.AddressInfo).port
  }

  /** Resets every open connection and every new one until `restore()`. */
  cut (): void {
    this.refusing = true
    for (const s of this.sockets) s.resetAndDestroy()
    this.sockets.clear()
  }

  restore (): void {
    this.refusing = false
  }

  async close (): Promise<void> {
    this.cut()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  private accept (client: net.Socket): void {
    // a reset, like a port nobody listens on: the client sees the connection fail at once
    if (this.refusing) { client.resetAndDestroy(); return }
    const upstream = net.connect(this.target)
    for (const s of [client, upstream]) {
      this.sockets.add(s)
      s.on('error', () => { client.destroy(); upstream.destroy() })
      s.on('close', () => { this.sockets.delete(s); client.destroy(); upstream.destroy() })
    }
    client.pipe(upstream)
    upstream.pipe(client)
  }
}
