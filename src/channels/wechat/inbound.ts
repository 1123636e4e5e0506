/**
 * A WeChat push (XML or the mini-program's JSON, already decrypted) as one of the service's
 * message types. Texts are decided; image, voice, video, link, location and mini-program cards go
 * the way of today's non-text types (a human looks at them); subscribe and the mini-program's
 * user_enter_tempsession are the buyer opening the chat (`enter`: the welcome). Other events are
 * acknowledged and not stored.
 * @see https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Receiving_standard_messages.html
 * @see https://developers.weixin.qq.com/miniprogram/dev/framework/open-ability/customer-message/receive.html
 */
import { TEXT_MAX } from '../../routes/schemas.js'

export type WeChatInbound =
  | { kind: 'message'; messageId: string; openid: string; type: string; text?: string; account: string }
  | { kind: 'ignore'; openid?: string; opensWindow: boolean }

const TYPES: Record<string, string> = {
  image: 'image', voice: 'voice', video: 'video', shortvideo: 'video', link: 'link', location: 'link', file: 'link', miniprogrampage: 'product'
}

const ENTER_EVENTS = new Set(['subscribe', 'user_enter_tempsession'])

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g

export function mapInbound (fields: Record<string, unknown>): WeChatInbound {
  const s = (k: string): string => (typeof fields[k] === 'string' ? fields[k] as string : '')
  const openid = s('FromUserName')
  const account = s('ToUserName')
  const msgType = s('MsgType')
  if (!openid || !msgType) return { kind: 'ignore', opensWindow: false }

  if (msgType === 'event') {
    const event = s('Event')
    if (!ENTER_EVENTS.has(event)) return { kind: 'ignore', openid, opensWindow: event !== 'unsubscribe' }
    // events carry no MsgId: WeChat's own advice is to deduplicate them by FromUserName + CreateTime
    return { kind: 'message', messageId: `${openid}:${s('CreateTime')}:${event}`, openid, type: 'enter', account }
  }
  // MsgId (64-bit) stays the string it arrived as
  const messageId = s('MsgId') || `${openid}:${s('CreateTime')}`
  if (msgType === 'text') {
    const text = s('Content').replace(CONTROL, '').slice(0, TEXT_MAX)
    return { kind: 'message', messageId, openid, type: 'text', text, account }
  }
  // with speech recognition on, a voice message carries its words: decided like text
  const recognition = msgType === 'voice' ? s('Recognition').replace(CONTROL, '').slice(0, TEXT_MAX) : ''
  return { kind: 'message', messageId, openid, type: TYPES[msgType] ?? 'link', ...(recognition ? { text: recognition } : {}), account }
}
