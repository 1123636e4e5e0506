/**
 * What the WeChat and WeCom adapters share: their state (Redis when REDIS_URL is set, so tokens,
 * cursors and windows are shared by instances and survive restarts), the access_token cache and
 * the accounts of each shop. Their senders are registered in the outbox's channel registry, so
 * late bot answers and agents' replies leave through the outbox (retries, dead letters, status).
 */
import fp from 'fastify-plugin'
import type { Config } from '../config.js'
import { createEmbeddedChannelState, createRedisChannelState, type ChannelState } from '../channels/state/index.js'
import { createTokenCache, type TokenCache } from '../channels/access-token.js'
import { channelAccounts, type ChannelAccounts } from '../channels/accounts.js'
import { createWeChatSender } from '../channels/wechat/sender.js'
import { WECHAT } from '../channels/wechat/conversation.js'
import { createWeComSender } from '../channels/wecom/sender.js'
import { WECOM } from '../channels/wecom/conversation.js'

export interface ChannelKit {
  state: ChannelState
  tokens: TokenCache
  accounts: ChannelAccounts
  /** background work still running (tests wait for it; shutdown lets it finish) */
  idle (): Promise<void>
  track (work: Promise<unknown>): void
}

declare module 'fastify' {
  interface FastifyInstance { channelKit: ChannelKit }
}

export default fp<{ config: Config }>(async (app, { config }) => {
  const state = app.redis ? createRedisChannelState(app.redis, config.REDIS_PREFIX) : createEmbeddedChannelState()
  const tokens = createTokenCache(state)
  const accounts = channelAccounts(app.rules, config)
  app.channels.register(WECHAT, createWeChatSender({ accounts, tokens, state, apiBase: config.WECHAT_API_BASE }))
  app.channels.register(WECOM, createWeComSender({ accounts, tokens, state, apiBase: config.WECOM_API_BASE }))
  const running = new Set<Promise<unknown>>()
  const kit: ChannelKit = {
    state,
    tokens,
    accounts,
    async idle () {
      while (running.size > 0) await Promise.allSettled([...running])
    },
    track (work) {
      const p = work.catch((err: Error) => app.log.error({ err: err.message }, 'channel: background work failed')).finally(() => running.delete(p))
      running.add(p)
    }
  }
  app.decorate('channelKit', kit)
  app.addHook('preClose', async () => { await kit.idle() })
}, { name: 'channel-kit', dependencies: ['store', 'rules', 'outbox'] })
