// Wording and numbers for the console (Chinese UI). Pure functions, no DOM.

export const REASONS = { unmatched: '机器人答不了', human_request: '要求人工', complaint: '投诉', closed_hours: '下班时间留言' }
export const ROLES = { buyer: '买家', bot: '机器人', agent: '客服' }
export const DELIVERY = { queued: '发送中', sent: '已送达', failed: '发送失败' }
export const VERDICTS = { answered: '回答', lost: '未采用', vetoed: '被否决', incomplete: '条件不全' }
export const ACTIONS = { reply: '机器人回答', handoff: '转人工', silent: '静默（客服接待中）' }

/** 45秒, 3分12秒, 1小时5分 */
export function duration (ms) {
  const s = Math.max(0, Math.floor(ms / 1000))
  if (s < 60) return `${s}秒`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}分${s % 60 ? `${s % 60}秒` : ''}`
  return `${Math.floor(m / 60)}小时${m % 60 ? `${m % 60}分` : ''}`
}

export function clock (at) {
  return new Date(at).toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false })
}

export function percent (share) {
  return share === null || share === undefined ? '—' : `${Math.round(share * 100)}%`
}

/**
 * Fills a quick reply's placeholders. The result is text for the answer box and the buyer; it is
 * never parsed as HTML anywhere.
 */
export function fillQuickReply (text, { buyer, agent, shop }) {
  return text.replace(/\{(buyer|agent|shop)\}/g, (_, k) => ({ buyer: buyer || '亲', agent: agent || '', shop: shop || '' })[k])
}

/** The buyer's nickname: the latest one the webhook sent in this chat. */
export function nicknameOf (chat) {
  for (let i = chat.length - 1; i >= 0; i--) if (chat[i].role === 'buyer' && chat[i].nickname) return chat[i].nickname
  return ''
}

const yamlString = (s) => JSON.stringify(String(s))

/** A new rule's YAML from an unanswered question, for the operator to finish and save. */
export function ruleYaml (q, n = 1) {
  const examples = [...new Set([q.text, ...(q.variants || []), ...(q.examples || [])])].slice(0, 8)
  return [
    'rules:',
    `  - id: new-rule-${n}                # 改成有意义的名字，如 order-status`,
    '    intent: TODO                   # 归类，如 shipping / return_policy',
    `    keywords: [${yamlString(q.text)}]  # 改成买家常用的关键词`,
    `    examples: [${examples.map(yamlString).join(', ')}]`,
    '    not_examples: []               # 不该由这条规则回答的问法',
    '    reply: "亲，……"                # 机器人的回答',
    ''
  ].join('\n')
}
