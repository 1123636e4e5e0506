/**
 * WeCom 微信客服 server API: access_token, kf/sync_msg, kf/send_msg and the session state.
 * @see https://developer.work.weixin.qq.com/document/path/91039 (gettoken)
 * @see https://developer.work.weixin.qq.com/document/path/94670 (kf/sync_msg)
 * @see https://developer.work.weixin.qq.com/document/path/94677 (kf/send_msg)
 * @see https://developer.work.weixin.qq.com/document/path/94669 (kf/service_state/get, trans)
 */
import { callApi } from '../api-call.js'
import type { TokenSource } from '../access-token.js'
import type { WeComAccount } from '../settings.js'

export function wecomTokenSource (base: string, account: WeComAccount): TokenSource {
  return {
    key: `wecom:${account.corp_id}`,
    async fetch () {
      const res = await callApi<{ access_token: string; expires_in: number }>(base, 'cgi-bin/gettoken', { corpid: account.corp_id, corpsecret: account.secret.reveal() })
      return { token: res.access_token, expiresInS: res.expires_in }
    }
  }
}

export interface KfMessage {
  msgid: string
  open_kfid: string
  external_userid: string
  send_time: number
  /** 3 the buyer (微信客户), 4 a system event, 5 a servicer in WeCom */
  origin: number
  msgtype: string
  text?: { content?: string }
  [k: string]: unknown
}

export async function syncMsg (base: string, accessToken: string, body: { cursor?: string; token?: string; open_kfid: string; limit: number }) {
  return callApi<{ next_cursor?: string; has_more?: number; msg_list?: KfMessage[] }>(base, 'cgi-bin/kf/sync_msg', { access_token: accessToken }, body)
}

export async function sendKfText (base: string, accessToken: string, body: { touser: string; open_kfid: string; msgid: string; content: string }): Promise<void> {
  await callApi(base, 'cgi-bin/kf/send_msg', { access_token: accessToken }, { touser: body.touser, open_kfid: body.open_kfid, msgid: body.msgid, msgtype: 'text', text: { content: body.content } })
}

export async function getServiceState (base: string, accessToken: string, openKfid: string, externalUserid: string): Promise<number> {
  const res = await callApi<{ service_state: number }>(base, 'cgi-bin/kf/service_state/get', { access_token: accessToken }, { open_kfid: openKfid, external_userid: externalUserid })
  return res.service_state
}

export async function transServiceState (base: string, accessToken: string, openKfid: string, externalUserid: string, state: number): Promise<void> {
  await callApi(base, 'cgi-bin/kf/service_state/trans', { access_token: accessToken }, { open_kfid: openKfid, external_userid: externalUserid, service_state: state })
}
