export * from './types.js'
export { createEmbeddedStore } from './embedded/index.js'
export { createRedisStore, createRedisClient } from './redis/index.js'
