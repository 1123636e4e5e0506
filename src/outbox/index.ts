/** Everything other parts of the service use from the outbox, from one place (see types.ts). */
export * from './types.js'
export { ChannelRegistry } from './channels.js'
export { createRedisOutbox } from './redis/index.js'
export { createEmbeddedOutbox } from './embedded/index.js'
export { startSender, exponentialBackoff, type Sender, type SenderOptions } from './sender.js'
export { webhookChannel, webhookPayload, postSigned, type WebhookTarget } from './webhook-channel.js'
