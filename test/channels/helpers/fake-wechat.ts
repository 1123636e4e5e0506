/**
 * A local stand-in for api.weixin.qq.com and qyapi.weixin.qq.com on 127.0.0.1, following the
 * documented requests, responses and error codes of the endpoints the service calls:
 *   GET  /cgi-bin/token?grant_type=client_credential&appid&secret → {access_token, expires_in} | 40013 / 40125
 *   POST /cgi-bin/message/custom/send?access_token                → {errcode: 0} | 40001 / 42001 / 45015 / 45047
 *   GET  /cgi-bin/gettoken?corpid&corpsecret                      → {errcode: 0, access_token, expires_in} | 40013 / 40001
 *   POST /cgi-bin/kf/sync_msg, kf/send_msg, kf/service_state/get, kf/service_state/trans
 * Only the latest token of an app is valid (WeChat's rule once the overlap has passed), so a
 * client that keeps a replaced token gets 40001 as it would in production.
 * @see https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/Get_access_token.html
 * @see https://developer.work.weixin.qq.com/document/path/94670 (kf/sync_msg)
 */
import { createServer, type IncomingMessage, type Server } from 'node:http'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'

export interface KfMessage { msgid: string; open_kfid: string; external_userid: string; send_time: number; origin: number; msgtype: string; [k: string]: unknown }

export class FakeWeChat {
  readonly apps = new Map<string, string>()          // appid or corpid → secret
  readonly tokens = new Map<string, string>()        // appid → current token
  readonly tokenRequests: string[] = []
  readonly sent: Array<{ touser: string; msgtype: string; text?: { content: string }; open_kfid?: string; msgid?: string }> = []
  /** errcodes the next send calls answer with, in order */
  readonly failNextSends: number[] = []
  /** WeCom: the account's message log; sync_msg pages through it with a cursor (its index) */
  readonly kfLog: KfMessage[] = []
  readonly syncRequests: Array<{ cursor?: string; token?: string; open_kfid?: string }> = []
  readonly serviceState = new Map<string, number>()  // open_kfid|external_userid → 0..4
  readonly stateChanges: Array<{ external_userid: string; service_state: number }> = []
  pageSize = 2
  private server: Server | undefined
  private seq = 0

  get base (): string {
    const addr = this.server!.address() as AddressInfo
    return `http://127.0.0.1:${addr.port}`
  }

  async start (): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req).then((body) => {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(JSON.stringify(body))
      })
    })
    this.server.listen(0, '127.0.0.1')
    await once(this.server, 'listening')
    return this
  }

  async stop (): Promise<void> {
    if (!this.server) return
    this.server.closeAllConnections()
    await new Promise((r) => this.server!.close(r))
  }

  /** makes the app's current token stale, as another client fetching a new one would */
  rotate (appId: string): void {
    this.tokens.set(appId, `tok-${appId}-${++this.seq}`)
  }

  private async handle (req: IncomingMessage): Promise<object> {
    const url = new URL(req.url!, 'http://x')
    const q = Object.fromEntries(url.searchParams)
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {}
    switch (url.pathname) {
      case '/cgi-bin/token': return this.issue(q.appid, q.secret, q.grant_type === 'client_credential')
      case '/cgi-bin/gettoken': return this.issue(q.corpid, q.corpsecret, true)
      case '/cgi-bin/message/custom/send': return this.send(q.access_token, body)
      case '/cgi-bin/kf/send_msg': return this.send(q.access_token, body)
      case '/cgi-bin/kf/sync_msg': return this.sync(q.access_token, body)
      case '/cgi-bin/kf/service_state/get': {
        if (!this.validToken(q.access_token)) return { errcode: 40001, errmsg: 'invalid credential' }
        return { errcode: 0, errmsg: 'ok', service_state: this.serviceState.get(`${body.open_kfid}|${body.external_userid}`) ?? 0 }
      }
      case '/cgi-bin/kf/service_state/trans': {
        if (!this.validToken(q.access_token)) return { errcode: 40001, errmsg: 'invalid credential' }
        this.serviceState.set(`${body.open_kfid}|${body.external_userid}`, body.service_state)
        this.stateChanges.push({ external_userid: body.external_userid, service_state: body.service_state })
        return { errcode: 0, errmsg: 'ok', msg_code: '' }
      }
      default: return { errcode: 404, errmsg: `unknown path ${url.pathname}` }
    }
  }

  private issue (id: string | undefined, secret: string | undefined, ok: boolean): object {
    this.tokenRequests.push(id ?? '')
    if (!ok || !id || !this.apps.has(id)) return { errcode: 40013, errmsg: 'invalid appid' }
    if (this.apps.get(id) !== secret) return { errcode: 40125, errmsg: 'invalid appsecret' }
    this.rotate(id)
    return { errcode: 0, errmsg: 'ok', access_token: this.tokens.get(id), expires_in: 7200 }
  }

  private validToken (token: string | undefined): boolean {
    return token !== undefined && [...this.tokens.values()].includes(token)
  }

  private send (token: string | undefined, body: { touser: string; msgtype: string; text?: { content: string }; open_kfid?: string; msgid?: string }): object {
    if (!this.validToken(token)) return { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' }
    const fail = this.failNextSends.shift()
    if (fail !== undefined) return { errcode: fail, errmsg: fail === 45015 ? 'response out of time limit or subscription is canceled' : fail === 45047 ? 'out of response count limit' : 'system error' }
    this.sent.push(body)
    return { errcode: 0, errmsg: 'ok', ...(body.open_kfid ? { msgid: body.msgid ?? `srv-${this.sent.length}` } : {}) }
  }

  private sync (token: string | undefined, body: { cursor?: string; token?: string; open_kfid?: string; limit?: number }): object {
    if (!this.validToken(token)) return { errcode: 40001, errmsg: 'invalid credential' }
    this.syncRequests.push({ cursor: body.cursor, token: body.token, open_kfid: body.open_kfid })
    const from = body.cursor ? Number(body.cursor.replace('c', '')) : 0
    const page = this.kfLog.filter((m) => !body.open_kfid || m.open_kfid === body.open_kfid).slice(from, from + this.pageSize)
    const next = from + page.length
    return { errcode: 0, errmsg: 'ok', next_cursor: `c${next}`, has_more: next < this.kfLog.length ? 1 : 0, msg_list: page }
  }
}
