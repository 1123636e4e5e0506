/**
 * The Official Account / mini-program endpoint end to end, against a local fake of WeChat's API
 * (test/channels/helpers/fake-wechat.ts), on the embedded store and on the real Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build, MINI_RULES } from '../helpers/build.js'
import { bothStores } from '../helpers/redis.js'
import { until } from '../helpers/until.js'
import { createEmbeddedStore } from '../../src/store/index.js'
import type { Store } from '../../src/store/types.js'
import { createWeChatCipher } from '../../src/channels/wechat-crypto/cipher.js'
import { sha1Signature } from '../../src/channels/wechat-crypto/signature.js'
import { parseWeChatXml, text } from '../../src/channels/wechat-crypto/xml.js'
import { FakeWeChat } from './helpers/fake-wechat.js'
import { eventMessage, nonceAndTime, signedPush, textMessage, type PushAccount } from './helpers/push.js'

// the official Official Account sample's account (see wechat-crypto.test.ts for its source)
const ACCT: PushAccount = { token: 'spamtest', appId: 'wx2c2769f8efd9abc2', aesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG' }
const SECRET = 'test-app-secret'
const URL_ = '/channels/wechat/default'

const fake = new FakeWeChat()
beforeAll(async () => {
  await fake.start()
  fake.apps.set(ACCT.appId, SECRET)
})
afterAll(async () => { await fake.stop() })

function env (extra: Record<string, string> = {}): Record<string, string> {
  return { WECHAT_TOKEN: ACCT.token, WECHAT_APP_ID: ACCT.appId, WECHAT_ENCODING_AES_KEY: ACCT.aesKey!, WECHAT_APP_SECRET: SECRET, WECHAT_API_BASE: fake.base, ...extra }
}

type App = Awaited<ReturnType<typeof build>>
/** An app whose Redis connection is up: the service's client refuses commands until then (no offline queue). */
async function buildReady (opts: Parameters<typeof build>[0]): Promise<App> {
  const app = await build(opts)
  if (app.redis) await until(() => app.redis!.status === 'ready', 'Redis connected')
  return app
}
async function post (app: App, fields: Record<string, string | number | bigint>, mode: { encrypt?: boolean; json?: boolean } = {}) {
  const p = signedPush(ACCT, fields, mode)
  return app.inject({ method: 'POST', url: p.url(URL_), payload: p.body, headers: { 'content-type': p.contentType } })
}
function replyContent (body: string, encrypted = false): string {
  let fields = parseWeChatXml(body)!
  if (encrypted) fields = parseWeChatXml(createWeChatCipher(ACCT.aesKey!).decrypt(text(fields, 'Encrypt'), ACCT.appId))!
  return text(fields, 'Content')
}
/** The registered `wechat` channel's send, as the outbox's sender calls it. */
function send (app: App, m: { id: string; shopId: string; conversationId: string; buyerId: string; text: string }) {
  return app.channels.get('wechat')!.send({ ...m, channel: 'wechat', role: 'agent', sentAt: Date.now() }, { attempt: 1, signal: new AbortController().signal })
}
const history = async (app: App, conversationId: string) => (await app.inject({ method: 'GET', url: `/v1/conversations/${encodeURIComponent(conversationId)}` })).json()

let buyers = 0
const newBuyer = () => `oBuyer${process.pid}x${++buyers}`

describe('GET /channels/wechat/:shopId (the console check)', () => {
  it('echoes echostr when the token signs timestamp and nonce; 401 otherwise', async () => {
    const app = await build({ env: env() })
    const { timestamp, nonce } = nonceAndTime()
    const signature = sha1Signature(ACCT.token, timestamp, nonce)
    const ok = await app.inject({ url: `${URL_}?signature=${signature}&timestamp=${timestamp}&nonce=${nonce}&echostr=5927782489442352469` })
    expect(ok.statusCode).toBe(200)
    expect(ok.body).toBe('5927782489442352469')
    const bad = await app.inject({ url: `${URL_}?signature=${signature}&timestamp=${timestamp}&nonce=1&echostr=x` })
    expect(bad.statusCode).toBe(401)
    expect(bad.json().code).toBe('AR_ERR_CHANNEL_SIGNATURE')
  })
  it('a shop without a WeChat account is 404 naming it', async () => {
    const app = await build()
    const res = await app.inject({ url: `${URL_}?signature=a&timestamp=1&nonce=1&echostr=x` })
    expect(res.statusCode).toBe(404)
    expect(res.json()).toMatchObject({ code: 'AR_ERR_CHANNEL_NOT_CONFIGURED' })
  })
})

describe('the official sample push, replayed', () => {
  it('verifies msg_signature, decrypts abcdteT and answers with an encrypted, signed passive reply', async () => {
    const app = await build({ env: env() })
    const body = '<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><Encrypt><![CDATA[hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=]]></Encrypt></xml>'
    const res = await app.inject({ method: 'POST', url: `${URL_}?timestamp=1409735669&nonce=1320562132&encrypt_type=aes&msg_signature=5d197aaffba7e9b25a30732f161a50dee96bd5fa`, payload: body, headers: { 'content-type': 'text/xml' } })
    expect(res.statusCode).toBe(200)
    const outer = parseWeChatXml(res.body)!
    expect(text(outer, 'MsgSignature')).toBe(sha1Signature(ACCT.token, text(outer, 'TimeStamp'), text(outer, 'Nonce'), text(outer, 'Encrypt')))
    const inner = parseWeChatXml(createWeChatCipher(ACCT.aesKey!).decrypt(text(outer, 'Encrypt'), ACCT.appId))!
    expect(inner).toMatchObject({ ToUserName: 'oyORnuP8q7ou2gfYjqLzSIWZf0rs', FromUserName: 'gh_10f6c3c3ac5a', MsgType: 'text' })
    // abcdteT answers nothing: handed off, and the MsgId is the idempotency key, as a string
    expect(text(inner, 'Content')).toMatch(/排队|转接/)
    expect(await app.store.getCommitted('default', 'wechat:wx2c2769f8efd9abc2:6054768590064713728')).not.toBeNull()
  })
})

describe.each(bothStores())('a whole WeChat chat (%s store)', (_name, storeEnv) => {
  it('subscribe → welcome; a question → passive answer; an unanswerable one → ticket; redelivery answered once; agent reply via the send API', async () => {
    const app = await buildReady({ env: env(storeEnv()) })
    const buyer = newBuyer()
    const sub = await post(app, eventMessage(buyer, 'subscribe'))
    expect(replyContent(sub.body)).toBe('您好，我是小美😊')

    const q = await post(app, textMessage(buyer, '包邮吗'), { encrypt: true })
    expect(replyContent(q.body, true)).toBe('亲，全国包邮（新疆西藏除外），48小时内发货~')

    const hard = textMessage(buyer, '我的快递到哪了')
    const first = await post(app, hard)
    expect(replyContent(first.body)).toMatch(/排队|转接/)
    const again = await post(app, hard)
    expect(again.body).toBe(first.body)
    const stats = await app.store.stats('default')
    expect(stats.waiting).toBe(1)

    // an agent claims the chat and answers through the service; the outbox sends it with the customer-service API
    const ticket = (await app.inject({ method: 'POST', url: '/v1/handoff/claim', payload: { agentId: 'agent-1' } })).json()
    expect(ticket.conversationId).toBe(`wechat:${ACCT.appId}:${buyer}`)
    expect(ticket.chat.map((c: { text: string }) => c.text)).toContain('我的快递到哪了')
    const before = fake.sent.length
    const sent = await app.inject({ method: 'POST', url: `/v1/handoff/tickets/${ticket.id}/replies`, payload: { agentId: 'agent-1', text: '亲，您的快递明天到', clientMsgId: 'desk-1' } })
    expect(sent.json()).toMatchObject({ message: { channel: 'wechat', delivery: { status: 'queued' } } })
    const line = await until(async () => {
      const l = (await history(app, ticket.conversationId)).messages.find((m: { messageId?: string }) => m.messageId === sent.json().message.id)
      return l?.delivery?.status === 'sent' && l
    }, 'the agent reply delivered')
    expect(line).toMatchObject({ role: 'agent', text: '亲，您的快递明天到' })
    expect(fake.sent.slice(before)).toEqual([{ touser: buyer, msgtype: 'text', text: { content: '亲，您的快递明天到' } }])

    // while the agent holds the chat the bot is silent: WeChat gets `success`
    const during = await post(app, textMessage(buyer, '好的谢谢'))
    expect(during.body).toBe('success')
  })

  it('a bad signature is 401 with nothing stored and nothing sent', async () => {
    const app = await buildReady({ env: env(storeEnv()) })
    const buyer = newBuyer()
    const p = signedPush({ ...ACCT, token: 'wrongtoken' }, textMessage(buyer, '我的快递到哪了'))
    const res = await app.inject({ method: 'POST', url: p.url(URL_), payload: p.body, headers: { 'content-type': 'text/xml' } })
    expect(res.statusCode).toBe(401)
    expect(res.json().code).toBe('AR_ERR_CHANNEL_SIGNATURE')
    expect((await app.store.getConversation('default', `wechat:${ACCT.appId}:${buyer}`, Date.now())).lastSeenAt).toBeUndefined()
    expect((await app.store.stats('default')).waiting).toBe(0)
    expect(await app.channelKit.state.takeSlot(`window:wechat:${ACCT.appId}:${buyer}`, 5)).toBe('closed')
  })

  it('a mini-program JSON push (safe mode) is answered through the send API, MsgId kept whole', async () => {
    const app = await buildReady({ env: env(storeEnv()) })
    const buyer = newBuyer()
    const before = fake.sent.length
    const enter = await post(app, { ...eventMessage(buyer, 'user_enter_tempsession'), SessionFrom: 'product-1' }, { json: true, encrypt: true })
    expect(enter.body).toBe('success')
    const msg = textMessage(buyer, '可以退货吗', { MsgId: 23237409409548740123n })
    const res = await post(app, msg, { json: true, encrypt: true })
    expect(res.body).toBe('success')
    await until(() => fake.sent.length >= before + 2, 'two sends')
    expect(fake.sent.slice(before).map((s) => s.text?.content)).toEqual(['您好，我是小美😊', '亲，本店支持7天无理由退换货哦~'])
    expect(await app.store.getCommitted('default', `wechat:${ACCT.appId}:23237409409548740123`)).not.toBeNull()
    // a redelivery is not sent twice
    await post(app, msg, { json: true, encrypt: true })
    await app.channelKit.idle()
    expect(fake.sent.length).toBe(before + 2)
  })
})

describe('late answers, media and the send window', () => {
  /** A store whose commits wait until the test lets them through: a decision slower than the budget. */
  function gatedStore (): { store: Store; open: () => void } {
    const inner = createEmbeddedStore()
    let release!: () => void
    const gate = new Promise<void>((r) => { release = r })
    const store: Store = Object.assign(Object.create(inner) as Store, { commit: async (i: Parameters<Store['commit']>[0]) => { await gate; return inner.commit(i) } })
    return { store, open: () => release() }
  }

  it('an answer not ready within the budget: `success` now, the answer through the send API once, a redelivery answered with `success`', async () => {
    const { store, open } = gatedStore()
    const app = await build({ store, env: env({ WECHAT_REPLY_BUDGET: '50ms' }) })
    const buyer = newBuyer()
    const msg = textMessage(buyer, '包邮吗')
    const before = fake.sent.length
    const res = await post(app, msg)
    expect(res.body).toBe('success')
    open()
    await until(() => fake.sent.length > before, 'the late answer')
    expect(fake.sent.at(-1)).toEqual({ touser: buyer, msgtype: 'text', text: { content: '亲，全国包邮（新疆西藏除外），48小时内发货~' } })
    const redelivered = await post(app, msg)
    expect(redelivered.body).toBe('success')
    await app.channelKit.idle()
    expect(fake.sent.length).toBe(before + 1)
  })

  it('image, link and mini-program cards hand off; a voice message with recognition is decided on its words', async () => {
    const app = await build({ env: env() })
    const buyer = newBuyer()
    const img = await post(app, { ...textMessage(buyer, ''), MsgType: 'image', PicUrl: 'http://x/y.jpg', MediaId: 'm1' })
    expect(replyContent(img.body)).toMatch(/排队|转接/)
    const card = await post(app, { ...textMessage(buyer, ''), MsgType: 'miniprogrampage', Title: '连衣裙', AppId: 'wx0', PagePath: 'p' })
    expect(replyContent(card.body)).toMatch(/排队|转接/)
    const voice = await post(app, { ...textMessage(newBuyer(), ''), MsgType: 'voice', MediaId: 'v1', Format: 'amr', Recognition: '包邮吗' })
    expect(replyContent(voice.body)).toContain('全国包邮')
    const ticket = (await app.store.claim('default', 'a', 0))!
    expect(ticket.chat[0]).toMatchObject({ role: 'buyer', type: 'image' })
  })

  it('a buyer keeps 00123 as text; other events are acknowledged and not stored', async () => {
    const app = await build({ env: env() })
    const buyer = newBuyer()
    const res = await post(app, textMessage(buyer, '00123'))
    expect(res.statusCode).toBe(200)
    const ticket = (await app.store.claim('default', 'a', 0))!
    expect(ticket.chat[0]!.text).toBe('00123')
    const click = await post(app, { ...eventMessage(newBuyer(), 'CLICK'), EventKey: 'menu1' })
    expect(click.body).toBe('success')
  })

  it('45015 from WeChat ends as failed with the reason, once; a buyer who never wrote is refused without a call', async () => {
    const app = await build({ env: env() })
    const buyer = newBuyer()
    await post(app, textMessage(buyer, '包邮吗'))
    const conversationId = `wechat:${ACCT.appId}:${buyer}`
    fake.failNextSends.push(45015)
    const sentBefore = fake.sent.length
    const res = await send(app, { id: 'x1', shopId: 'default', conversationId, buyerId: buyer, text: 'hi' })
    expect(res).toMatchObject({ ok: false, retry: false, reason: expect.stringContaining('45015') })
    expect(fake.failNextSends).toEqual([])
    expect(fake.sent.length).toBe(sentBefore)
    const stranger = await send(app, { id: 'x2', shopId: 'default', conversationId: `wechat:${ACCT.appId}:oNever`, buyerId: 'oNever', text: 'hi' })
    expect(stranger).toMatchObject({ ok: false, retry: false, reason: expect.stringContaining('48 hours') })
  })

  it('an agent reply WeChat refuses with 45015 ends as failed with that reason in the chat, tried once', async () => {
    const app = await build({ env: env({ OUTBOX_RETRY_BASE: '20ms', OUTBOX_RETRY_MAX: '50ms' }) })
    const buyer = newBuyer()
    await post(app, textMessage(buyer, '我的快递到哪了'))
    const ticket = (await app.inject({ method: 'POST', url: '/v1/handoff/claim', payload: { agentId: 'agent-2' } })).json()
    fake.failNextSends.push(45015)
    const sent = (await app.inject({ method: 'POST', url: `/v1/handoff/tickets/${ticket.id}/replies`, payload: { agentId: 'agent-2', text: '亲，在吗', clientMsgId: 'd-45015' } })).json()
    const line = await until(async () => {
      const l = (await history(app, ticket.conversationId)).messages.find((m: { messageId?: string }) => m.messageId === sent.message.id)
      return l?.delivery?.status === 'failed' && l
    }, 'the reply to fail')
    expect(line.delivery).toMatchObject({ status: 'failed', attempts: 1, reason: expect.stringContaining('45015') })
    expect(fake.failNextSends).toEqual([])
  })

  it('five messages per window, then 45047 without a call; the buyer writing again opens a new window', async () => {
    const app = await build({ env: env() })
    const buyer = newBuyer()
    await post(app, textMessage(buyer, '包邮吗'))
    const m = (i: number) => ({ id: `w${i}`, shopId: 'default', conversationId: `wechat:${ACCT.appId}:${buyer}`, buyerId: buyer, text: `m${i}` })
    for (let i = 0; i < 5; i++) expect(await send(app, m(i))).toEqual({ ok: true })
    expect(await send(app, m(5))).toMatchObject({ ok: false, retry: false, reason: expect.stringContaining('45047') })
    await post(app, textMessage(buyer, '谢谢'))
    expect(await send(app, m(6))).toEqual({ ok: true })
  })

  it('a token WeChat no longer accepts (40001) is fetched again once and the send goes through', async () => {
    const app = await build({ env: env() })
    const buyer = newBuyer()
    await post(app, textMessage(buyer, '包邮吗'))
    const conversationId = `wechat:${ACCT.appId}:${buyer}`
    expect(await send(app, { id: 't1', shopId: 'default', conversationId, buyerId: buyer, text: 'a' })).toEqual({ ok: true })
    fake.rotate(ACCT.appId)
    const tokensBefore = fake.tokenRequests.length
    expect(await send(app, { id: 't2', shopId: 'default', conversationId, buyerId: buyer, text: 'b' })).toEqual({ ok: true })
    expect(fake.tokenRequests.length).toBe(tokensBefore + 1)
  })
})

describe('configuration', () => {
  it('WECHAT_TOKEN without WECHAT_APP_ID stops start-up naming the variable', async () => {
    await expect(build({ env: { WECHAT_TOKEN: 'abc' } })).rejects.toThrow(/WECHAT_APP_ID/)
  })
  it('secrets are never printed', async () => {
    const app = await build({ env: env() })
    const [account] = app.channelKit.accounts.wechat('default')
    expect(JSON.stringify(account)).not.toContain(SECRET)
    expect(JSON.stringify(account)).not.toContain(ACCT.aesKey)
    expect(String(account!.app_secret)).toBe('[secret]')
  })
  void MINI_RULES
})
