/**
 * Per-shop channel settings: the `channels:` section of a shop's rule files, validated with the
 * rest of the rules (errors carry file:line). Credentials may be written inline or, better, as
 * `{env: NAME}` so the file can be committed without them; either way they become `Secret`s and
 * are never printed.
 */
import { z } from 'zod'

import { Secret } from './secret.js'

/** An inline string or `{env: NAME}`; resolved when the file loads, so a missing variable is a load error. */
function secret (what: string, pattern?: RegExp, hint?: string) {
  return z.union([z.string().min(1, `${what} must not be empty`), z.strictObject({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name') })])
    .transform((v, ctx) => {
      const value = typeof v === 'string' ? v : process.env[v.env]
      if (value === undefined || value === '') {
        ctx.addIssue({ code: 'custom', message: `environment variable ${(v as { env: string }).env} (${what}) is not set` })
        return z.NEVER
      }
      // the value itself is never echoed in the message
      if (pattern && !pattern.test(value)) {
        ctx.addIssue({ code: 'custom', message: `${what} is malformed: ${hint}` })
        return z.NEVER
      }
      return new Secret(value)
    })
}

const AES_KEY = /^[A-Za-z0-9+/]{43}$/
const AES_HINT = '43 letters and digits, as the console shows it'
const TOKEN = /^[A-Za-z0-9]{3,32}$/
const TOKEN_HINT = '3-32 letters and digits, as entered in the console'

export const wechatAccountSchema = z.strictObject({
  /** the Official Account's or mini-program's AppID; the receive id checked after decryption */
  app_id: z.string().regex(/^wx[0-9A-Za-z]{16}$/, 'an AppID looks like wx2c2769f8efd9abc2'),
  /** official_account: passive XML replies when the answer is ready in time; mini_program: always the send API */
  kind: z.enum(['official_account', 'mini_program']).default('official_account'),
  token: secret('token', TOKEN, TOKEN_HINT),
  /** needed for safe mode (加密模式) and compatible mode */
  encoding_aes_key: secret('encoding_aes_key', AES_KEY, AES_HINT).optional(),
  /** needed to send through the customer-service API (late answers, agents' replies) */
  app_secret: secret('app_secret').optional()
})

export const wecomAccountSchema = z.strictObject({
  /** the enterprise's CorpID; the receive id of WeCom's encryption */
  corp_id: z.string().regex(/^w[wx][0-9A-Za-z]{16}$/, 'a CorpID looks like ww1234567890abcdef'),
  /** the 微信客服 Secret (管理工具 → 微信客服 → API) */
  secret: secret('secret'),
  token: secret('token', TOKEN, TOKEN_HINT),
  encoding_aes_key: secret('encoding_aes_key', AES_KEY, AES_HINT),
  /** only these customer-service accounts (open_kfid); default all of the corp's */
  open_kfids: z.array(z.string().min(1)).optional()
})

export const channelsSchema = z.strictObject({
  wechat: z.array(wechatAccountSchema).default([]),
  wecom: z.array(wecomAccountSchema).default([])
}).superRefine((c, ctx) => {
  const seen = new Set<string>()
  c.wechat.forEach((a, i) => {
    if (seen.has(a.app_id)) ctx.addIssue({ code: 'custom', path: ['wechat', i, 'app_id'], message: `app_id ${a.app_id} is listed twice` })
    seen.add(a.app_id)
  })
  c.wecom.forEach((a, i) => {
    if (seen.has(a.corp_id)) ctx.addIssue({ code: 'custom', path: ['wecom', i, 'corp_id'], message: `corp_id ${a.corp_id} is listed twice` })
    seen.add(a.corp_id)
  })
})

export type WeChatAccount = z.output<typeof wechatAccountSchema>
export type WeComAccount = z.output<typeof wecomAccountSchema>
export type ChannelSettings = z.output<typeof channelsSchema>
