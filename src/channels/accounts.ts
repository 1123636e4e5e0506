/**
 * The WeChat and WeCom accounts of each shop, read live from the loaded rules (a reload changes
 * them without a restart), plus the default shop's Official Account from the environment.
 */
import type { Config } from '../config.js'
import type { RuleRegistry } from '../engine/registry.js'
import { DEFAULT_SHOP } from '../rules/load.js'
import { wechatAccountSchema, type WeChatAccount, type WeComAccount } from './settings.js'

export interface ChannelAccounts {
  wechat (shopId: string): WeChatAccount[]
  wecom (shopId: string): WeComAccount[]
}

export function channelAccounts (rules: RuleRegistry, config: Config): ChannelAccounts {
  const fromEnv = envAccount(config)
  return {
    wechat (shopId) {
      const listed = rules.get(shopId)?.rules.channels?.wechat ?? []
      return shopId === DEFAULT_SHOP && fromEnv && !listed.some((a) => a.app_id === fromEnv.app_id) ? [...listed, fromEnv] : listed
    },
    wecom (shopId) {
      return rules.get(shopId)?.rules.channels?.wecom ?? []
    }
  }
}

/** WECHAT_TOKEN & co., validated like a settings-file entry; a mistake stops start-up naming the variable. */
function envAccount (config: Config): WeChatAccount | undefined {
  if (!config.WECHAT_TOKEN || !config.WECHAT_APP_ID) return undefined
  const parsed = wechatAccountSchema.safeParse({
    app_id: config.WECHAT_APP_ID,
    token: config.WECHAT_TOKEN,
    ...(config.WECHAT_ENCODING_AES_KEY ? { encoding_aes_key: config.WECHAT_ENCODING_AES_KEY } : {}),
    ...(config.WECHAT_APP_SECRET ? { app_secret: config.WECHAT_APP_SECRET } : {})
  })
  if (!parsed.success) {
    const names: Record<string, string> = { app_id: 'WECHAT_APP_ID', token: 'WECHAT_TOKEN', encoding_aes_key: 'WECHAT_ENCODING_AES_KEY', app_secret: 'WECHAT_APP_SECRET' }
    throw new Error(`Invalid environment:\n${parsed.error.issues.map((i) => `  ${names[String(i.path[0])] ?? i.path.join('.')}: ${i.message}`).join('\n')}`)
  }
  return parsed.data
}
