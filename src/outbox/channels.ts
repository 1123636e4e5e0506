/**
 * The channel registry: how an outgoing message reaches the buyer, by the name its conversation
 * recorded ('webhook' for POST /v1/messages; channel adapters register their own, e.g. 'wechat').
 */
import type { OutboundChannel } from './types.js'

export class ChannelRegistry {
  private readonly channels = new Map<string, OutboundChannel>()

  /** registering a name again replaces the channel (an adapter reloading its settings) */
  register (name: string, channel: OutboundChannel): void {
    this.channels.set(name, channel)
  }

  get (name: string): OutboundChannel | undefined {
    return this.channels.get(name)
  }

  names (): string[] {
    return [...this.channels.keys()]
  }
}
