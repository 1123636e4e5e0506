/**
 * Screenshots of the console for the README (docs/console-*.png) and the page weight, on the demo
 * shop with a few buyers: `node --import tsx test/console/screenshots.ts` (needs chromium).
 */
import { gzipSync } from 'node:zlib'
import { createServer } from 'node:http'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { fileURLToPath } from 'node:url'
import { chromiumPath, launch } from './browser.js'

const DEMO_RULES = fileURLToPath(new URL('../../rules', import.meta.url))
if (!chromiumPath) throw new Error('no chromium')
// the buyer's side of the shop's channel: accepts every agent reply
const receiver = createServer((req, res) => { req.resume(); req.on('end', () => res.writeHead(200).end()) }).listen(0, '127.0.0.1')
await once(receiver, 'listening')
const config = loadConfig({ OUTBOUND_WEBHOOK_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`, RULES_DIR: DEMO_RULES, RULES_WATCH: 'false', LOG_LEVEL: 'silent', AGENT_TOKEN: 'agent-token-demo', OPERATOR_TOKEN: 'operator-token-demo', HOST: '127.0.0.1' })
const app = await buildApp({ config, logger: false })
await app.listen({ host: '127.0.0.1', port: 0 })
const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
let n = 0
const say = (conversationId: string, text: string, nickname?: string) => fetch(`${base}/v1/messages`, {
  method: 'POST', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ messageId: `shot-${++n}`, conversationId, buyerId: `buyer-${conversationId}`, text, ...(nickname ? { buyer: { nickname } } : {}) })
})
for (const t of ['在吗', '包邮吗', '我身高165体重110斤穿什么码', '999是什么颜色', '不合适可以退吗', '几天发货', '有哪些色号', '支持七天无理由吗']) await say(`a-${n}`, t)
await say('c1', '我的快递到哪了 三天了还没动', '小红')
await say('c2', '我要投诉你们 骗子 口红是假的', '糖糖')
await say('c3', '帮我改一下收货地址', '阿May')
await say('c4', '转人工', 'lily')
await say('c5', '我的退款怎么还没到', '小鱼')
await say('c5', '订单号 2026112512345', '小鱼')

const browser = await launch()
const shoot = async (width: number, height: number, token: string, agent: string | undefined, file: string, act?: (p: import('puppeteer-core').Page) => Promise<void>) => {
  const page = await browser.newPage()
  await page.setViewport({ width, height, deviceScaleFactor: 1 })
  const sizes = new Map<string, Buffer>()
  page.on('response', async (r) => { if (new URL(r.url()).pathname.startsWith('/console/')) sizes.set(new URL(r.url()).pathname, await r.buffer().catch(() => Buffer.alloc(0))) })
  await page.goto(`${base}/console/`)
  await page.waitForSelector('form.signin')
  await page.type('input[name=token]', token)
  if (agent) await page.type('input[name=agent]', agent)
  await page.click('form.signin button.primary')
  await page.waitForSelector('.desk .ticket, .operator .card')
  if (act) await act(page)
  await page.screenshot({ path: `docs/${file}` })
  await page.close()
  return sizes
}
const sizes = await shoot(1280, 760, 'agent-token-demo', '小王', 'console-desk.png', async (p) => {
  await p.click('.ticket[data-ticket] button.small') // the urgent one, first in line
  await p.waitForSelector('.chat .messages .msg.buyer')
  await p.click('.quick .chip:not(.edit)') // 接待, sent in one click
  await p.waitForSelector('.messages .msg.agent .delivery.sent')
  await say('c2', '<img src=x onerror=alert(1)> 你们必须给我个说法', '糖糖')
  await p.waitForFunction(() => document.querySelectorAll('.messages .msg.buyer').length === 2)
  await p.click('.messages') // the chat is read: no new-chat title flash in the picture
  await p.type('.answer textarea', '非常抱歉给您带来不好的体验，小王这边马上帮您核实')
})
await shoot(390, 760, 'agent-token-demo', '小李', 'console-phone.png')
await shoot(1280, 1000, 'operator-token-demo', undefined, 'console-operator.png', async (p) => {
  await p.waitForSelector('.unanswered tbody tr')
  await p.click('.unanswered tbody tr button')
  await p.type('.try input[aria-label="买家消息"]', '退货运费谁出')
  await p.click('.try button.primary')
  await p.waitForSelector('.try .considered')
  await p.waitForSelector('.today .chart')
})
await browser.close()
await app.close()
receiver.close()

// what a desk downloads to start: the page, its stylesheet and modules (API calls not counted)
let raw = 0
let gz = 0
for (const [path, body] of sizes) {
  raw += body.length
  gz += gzipSync(body).length
  process.stdout.write(`${path}\t${body.length}\t${gzipSync(body).length}\n`)
}
process.stdout.write(`total\t${raw} bytes\t${gz} gzipped, ${sizes.size} files\n`)
