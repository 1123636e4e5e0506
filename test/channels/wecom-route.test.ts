/**
 * WeCom 微信客服 end to end against the local fake of qyapi.weixin.qq.com: the encrypted callback
 * (the official WeCom sample's corp, token and key), kf/sync_msg with a durable cursor, only the
 * buyer's messages decided, answers through the outbox and kf/send_msg with the session kept in 1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtemp, copyFile, writeFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build, MINI_RULES } from '../helpers/build.js'
import { redisPrefixes, REDIS_URL } from '../helpers/redis.js'
import { until } from '../helpers/until.js'
import { createWeChatCipher } from '../../src/channels/wechat-crypto/cipher.js'
import { sha1Signature } from '../../src/channels/wechat-crypto/signature.js'
import { buildWeChatXml } from '../../src/channels/wechat-crypto/xml.js'
import { FakeWeChat, type KfMessage } from './helpers/fake-wechat.js'
import { nonceAndTime } from './helpers/push.js'

// the official WeCom sample account (see wechat-crypto.test.ts for its source)
const CORP = { corpId: 'wx5823bf96d3bd56c7', token: 'QDG6eK', key: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C' }
const SECRET = 'kf-secret-for-tests'
const KF = 'wkAJ2GCAAASSm4_FhToWMFea0xAFfd3Q'
const URL_ = '/channels/wecom/default'

const fake = new FakeWeChat()
let rules: string
beforeAll(async () => {
  await fake.start()
  fake.apps.set(CORP.corpId, SECRET)
  rules = await mkdtemp(join(tmpdir(), 'wecom-rules-'))
  await copyFile(join(MINI_RULES, 'shop.yaml'), join(rules, 'shop.yaml'))
  await writeFile(join(rules, 'channels.yaml'), `channels:\n  wecom:\n    - corp_id: ${CORP.corpId}\n      secret: {env: TEST_WECOM_SECRET}\n      token: ${CORP.token}\n      encoding_aes_key: ${CORP.key}\n`)
  process.env.TEST_WECOM_SECRET = SECRET
})
afterAll(async () => {
  await fake.stop()
  await rm(rules, { recursive: true, force: true })
})
const prefix = redisPrefixes()

type App = Awaited<ReturnType<typeof build>>
async function buildApp (env: Record<string, string> = {}): Promise<App> {
  const app = await build({ rules, env: { WECOM_API_BASE: fake.base, OUTBOX_RETRY_BASE: '20ms', OUTBOX_RETRY_MAX: '50ms', ...env } })
  if (app.redis) await until(() => app.redis!.status === 'ready', 'Redis connected')
  return app
}

function signed (encrypt: string) {
  const { timestamp, nonce } = nonceAndTime()
  return `msg_signature=${sha1Signature(CORP.token, timestamp, nonce, encrypt)}&timestamp=${timestamp}&nonce=${nonce}`
}
async function callback (app: App, token = 'ENCApHxnGDNAVNY4AaSJKj4Tb5mwsEMzxhFmHVGcra996NR') {
  const event = buildWeChatXml({ ToUserName: CORP.corpId, CreateTime: Math.floor(Date.now() / 1000), MsgType: 'event', Event: 'kf_msg_or_event', Token: token, OpenKfId: KF })
  const encrypt = createWeChatCipher(CORP.key).encrypt(event, CORP.corpId)
  return app.inject({ method: 'POST', url: `${URL_}?${signed(encrypt)}`, payload: buildWeChatXml({ ToUserName: CORP.corpId, Encrypt: encrypt, AgentID: '' }), headers: { 'content-type': 'text/xml' } })
}
let n = 0
function kf (external: string, origin: number, content: string): KfMessage {
  return { msgid: `msg-${process.pid}-${++n}`, open_kfid: KF, external_userid: external, send_time: Math.floor(Date.now() / 1000), origin, msgtype: 'text', text: { content } }
}

describe('WeCom 微信客服', () => {
  it('the callback check decrypts echostr for the CorpID; a bad signature is 401', async () => {
    const app = await buildApp()
    const echostr = createWeChatCipher(CORP.key).encrypt('5927782489442352469', CORP.corpId)
    const ok = await app.inject({ url: `${URL_}?${signed(echostr)}&echostr=${encodeURIComponent(echostr)}` })
    expect(ok.statusCode).toBe(200)
    expect(ok.body).toBe('5927782489442352469')
    const bad = await app.inject({ url: `${URL_}?msg_signature=${'0'.repeat(40)}&timestamp=1&nonce=2&echostr=${encodeURIComponent(echostr)}` })
    expect(bad.statusCode).toBe(401)
    expect(bad.json().code).toBe('AR_ERR_CHANNEL_SIGNATURE')
  })

  it('only buyer messages (origin 3) are decided; answers go by kf/send_msg with the session moved to 1; a restart on Redis neither replays nor skips', async () => {
    const env = { REDIS_URL, REDIS_PREFIX: prefix() }
    const buyer = `wmBuyer${process.pid}`
    fake.kfLog.length = 0
    fake.kfLog.push(kf(buyer, 3, '包邮吗'), kf(buyer, 5, '我是客服张三'), { ...kf(buyer, 4, ''), msgtype: 'event', event: { event_type: 'enter_session' } }, kf(buyer, 3, '可以退货吗'))
    const sentBefore = fake.sent.length
    const app1 = await buildApp(env)
    const res = await callback(app1)
    expect(res.body).toBe('success')
    await until(() => fake.sent.length >= sentBefore + 2, 'two answers sent')
    expect(fake.sent.slice(sentBefore).map((s) => [s.touser, s.open_kfid, s.text?.content])).toEqual([
      [buyer, KF, '亲，全国包邮（新疆西藏除外），48小时内发货~'],
      [buyer, KF, '亲，本店支持7天无理由退换货哦~']
    ])
    expect(fake.stateChanges.filter((c) => c.external_userid === buyer)).toEqual([{ external_userid: buyer, service_state: 1 }])
    // the sync paged through the log (2 per page) with WeCom's callback token
    expect(fake.syncRequests.at(-1)).toMatchObject({ cursor: 'c2', token: 'ENCApHxnGDNAVNY4AaSJKj4Tb5mwsEMzxhFmHVGcra996NR', open_kfid: KF })
    await app1.channelKit.idle()
    await app1.close()

    // "restart": a new instance on the same Redis; a new message arrives
    fake.kfLog.push(kf(buyer, 3, '转人工'))
    const syncsBefore = fake.syncRequests.length
    const app2 = await buildApp(env)
    await callback(app2)
    await until(() => fake.sent.length >= sentBefore + 3, 'the new message answered')
    await app2.channelKit.idle()
    expect(fake.syncRequests[syncsBefore]).toMatchObject({ cursor: 'c4' })
    expect(fake.sent.length).toBe(sentBefore + 3)
    expect(fake.sent.at(-1)!.text!.content).toMatch(/转接人工|排队/)
    const stats = await app2.store.stats('default')
    expect(stats.waiting).toBe(1)
  })

  it('a session a WeCom servicer holds (state 3) is not sent to: the reply fails with the reason', async () => {
    const app = await buildApp()
    const buyer = `wmHeld${process.pid}`
    fake.kfLog.length = 0
    fake.serviceState.set(`${KF}|${buyer}`, 3)
    fake.kfLog.push(kf(buyer, 3, '包邮吗'))
    const sentBefore = fake.sent.length
    await callback(app)
    const conversationId = `wecom:${CORP.corpId}:${KF}:${buyer}`
    const failed = await until(async () => {
      const dl = await app.outbox.deadLetters('default', 10)
      return dl.find((d) => d.message.conversationId === conversationId)
    }, 'the reply dead-lettered')
    expect(failed.reason).toMatch(/95018.*service_state 3/)
    expect(fake.sent.length).toBe(sentBefore)
  })
})
