/**
 * Platform and masking tokens in real chats: `[订单x]` (an order card), `[数字x]`, `[姓名x]`, `<num>`,
 * `<url>`. They are never a shade, a size or a figure, so they are taken out before matching; an order
 * token is remembered, since it names the buyer's own order ("[订单x] 这个什么时候发").
 */
const ORDER = /\[(?:订单|訂單|商品订单|order)[^\]\s]{0,12}\]/iu
const BRACKETED = /\[(?:订单|訂單|数字|數字|姓名|名字|地址|电话|電話|手机|手機|链接|鏈接|商品|图片|圖片|卡片|金额|金額|时间|日期|邮箱|账号|order|num|name|phone|url|link)[^\]\s]{0,12}\]/giu
const ANGLED = /<(?:num|number|url|link|phone|tel|name|addr|address|order|email|id|img|image|pic|card|money|date|time)\d*>/giu

export interface Unmasked { text: string; orderCard: boolean }

export function unmask (text: string): Unmasked {
  if (!text.includes('[') && !text.includes('<')) return { text, orderCard: false }
  const orderCard = ORDER.test(text)
  // a space keeps the clauses on either side apart
  return { text: text.replace(BRACKETED, ' ').replace(ANGLED, ' '), orderCard }
}
