export * from './types.js'
export { createEmbeddedStore } from './embedded/index.js'
export { createRedisStore } from './redis/index.js'
export { createRedisClient, createClusterClient, createClient, isCluster, type RedisClient, type RedisTarget } from './redis/client.js'
