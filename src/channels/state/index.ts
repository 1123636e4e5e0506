export type { ChannelState, SlotResult } from './types.js'
export { createEmbeddedChannelState } from './embedded.js'
export { createRedisChannelState } from './redis.js'
