// The operator view: today's figures, what the bot could not answer (turned into a rule in one
// click), try a message and see why, and whether the last rules reload worked.
import { h } from 'preact'
import { useEffect, useState, useCallback } from 'preact/hooks'
import htm from 'htm'
import { call } from './api.js'
import { ACTIONS, REASONS, VERDICTS, clock, ruleYaml } from './format.js'
import { HoursChart, Bars, Ring } from './charts.js'

const html = htm.bind(h)

function Today ({ api, shop }) {
  const [data, setData] = useState(null)
  const [error, setError] = useState('')
  const load = () => api('GET', `/v1/console/today?shopId=${encodeURIComponent(shop)}`).then(setData, (e) => setError(e.message))
  useEffect(() => { load(); const t = setInterval(load, 30000); return () => clearInterval(t) }, [])
  if (error) return html`<section class="card"><h2>今日数据</h2><p class="error">${error}</p></section>`
  if (!data) return html`<section class="card"><h2>今日数据</h2><p>加载中…</p></section>`
  const sum = (k) => data.hours.reduce((n, x) => n + x[k], 0)
  const total = sum('reply') + sum('handoff') + sum('silent')
  const nowHour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: data.timeZone, hour: '2-digit', hourCycle: 'h23' }).format(Date.now()))
  return html`
    <section class="card today">
      <h2>今日数据 <small>${data.day}（${data.timeZone}）</small></h2>
      <div class="figures">
        <div><b data-fig="messages">${total}</b>消息</div>
        <div><b data-fig="answered">${sum('reply')}</b>机器人回答</div>
        <div><b data-fig="handoff">${sum('handoff')}</b>转人工</div>
        <div><b>${data.stats.waiting}</b>正在等待</div>
        <div class="ringbox"><${Ring} share=${data.stats.repliedWithin3mShare} label="3分钟回复率" /><span>3分钟回复率<br /><small>近24小时，客服首次回复</small></span></div>
        <div class="ringbox"><${Ring} share=${data.stats.claimedWithin3mShare} label="3分钟接待率" /><span>3分钟接待率<br /><small>近24小时，客服接起</small></span></div>
      </div>
      <h3>每小时消息 <span class="key reply">机器人回答</span><span class="key handoff">转人工</span></h3>
      <${HoursChart} hours=${data.hours} nowHour=${nowHour} />
      <h3>热门意图</h3>
      ${data.intents.length ? html`<${Bars} label="热门意图" rows=${data.intents.slice(0, 8).map((i) => ({ name: i.intent, count: i.count }))} />` : html`<p class="empty">今天还没有机器人回答的消息</p>`}
      <p class="hint">本实例自 ${clock(data.since)} 起的统计。</p>
    </section>`
}

function Unanswered ({ api, shop }) {
  const [days, setDays] = useState(7)
  const [data, setData] = useState(null)
  const [error, setError] = useState('')
  const [draft, setDraft] = useState(null)
  useEffect(() => {
    api('GET', `/v1/analytics/unmatched?days=${days}&limit=30&shopId=${encodeURIComponent(shop)}`).then(setData, (e) => setError(e.message))
  }, [days])
  const copy = async () => {
    try { await navigator.clipboard.writeText(draft) } catch { document.querySelector('.rule-draft textarea').select() }
  }
  return html`
    <section class="card unanswered">
      <h2>机器人答不了的问题
        <select aria-label="天数" value=${days} onChange=${(e) => setDays(Number(e.currentTarget.value))}>
          ${[1, 3, 7, 30].map((d) => html`<option value=${d}>${d === 1 ? '今天' : `近${d}天`}</option>`)}
        </select></h2>
      ${error && html`<p class="error">${error}</p>`}
      ${data && !data.questions.length && html`<p class="empty">没有未回答的问题</p>`}
      ${data && data.questions.length > 0 && html`
        <table>
          <thead><tr><th>次数</th><th>问题</th><th></th></tr></thead>
          <tbody>${data.questions.map((q, i) => html`
            <tr>
              <td class="n">${q.count}</td>
              <td><div>${q.text}</div>${q.variants && q.variants.length > 1 && html`<small>${q.variants.slice(1, 4).join(' / ')}</small>`}</td>
              <td><button class="small" onClick=${() => setDraft(ruleYaml(q, i + 1))}>写成规则</button></td>
            </tr>`)}</tbody>
        </table>`}
      ${draft !== null && html`
        <div class="rule-draft">
          <h3>新规则草稿 <small>补全后粘贴到 rules/ 下的 YAML 文件并保存，约一秒生效</small></h3>
          <textarea rows="9" spellcheck="false" value=${draft} onInput=${(e) => setDraft(e.currentTarget.value)}></textarea>
          <div class="actions"><button onClick=${copy}>复制</button><button class="link" onClick=${() => setDraft(null)}>关闭</button></div>
        </div>`}
    </section>`
}

function TryMessage ({ api, shop }) {
  const [text, setText] = useState('')
  const [returning, setReturning] = useState(false)
  const [result, setResult] = useState(null)
  const [error, setError] = useState('')
  const run = async (e) => {
    e.preventDefault()
    setError('')
    try { setResult(await api('POST', '/v1/rules/test', { text, shopId: shop, returning })) } catch (err) { setResult(null); setError(err.message) }
  }
  const d = result && result.decision
  return html`
    <section class="card try">
      <h2>试一条消息</h2>
      <form onSubmit=${run} class="inline">
        <input aria-label="买家消息" required maxlength="2000" placeholder="如：不合适可以退吗" value=${text} onInput=${(e) => setText(e.currentTarget.value)} />
        <label class="check"><input type="checkbox" checked=${returning} onChange=${(e) => setReturning(e.currentTarget.checked)} />老买家</label>
        <button class="primary">试一试</button>
      </form>
      ${error && html`<p class="error">${error}</p>`}
      ${d && html`
        <div class="result">
          <p><span class=${`badge ${d.action}`}>${ACTIONS[d.action] || d.action}</span>
            ${d.handoff && html` <span class="badge">${REASONS[d.handoff.reason] || d.handoff.reason}</span>`}
            <small> 归一化：${result.normalised}</small></p>
          ${d.replies.map((r) => html`<p class="reply-text">${r}</p>`)}
          ${result.considered.length > 0 && html`
            <table class="considered">
              <thead><tr><th>规则</th><th>结果</th><th>原因</th></tr></thead>
              <tbody>${result.considered.map((c) => html`
                <tr class=${c.verdict}><td><b>${c.ruleId}</b><br /><small>${c.file}:${c.line}</small></td><td>${VERDICTS[c.verdict] || c.verdict}</td><td>${c.why}</td></tr>`)}</tbody>
            </table>`}
          ${!result.considered.length && html`<p class="hint">没有规则命中这条消息。</p>`}
        </div>`}
    </section>`
}

function RulesStatus ({ api }) {
  const [s, setS] = useState(null)
  const [error, setError] = useState('')
  const load = () => api('GET', '/v1/rules/status').then((x) => { setS(x); setError('') }, (e) => setError(e.message))
  useEffect(() => { load(); const t = setInterval(load, 10000); return () => clearInterval(t) }, [])
  const last = s && s.lastReload
  return html`
    <section class="card status">
      <h2>规则状态 <button class="link" onClick=${load}>刷新</button></h2>
      ${error && html`<p class="error">${error}</p>`}
      ${s && html`
        <p>${last
          ? html`<span class=${`badge ${last.ok ? 'ok' : 'bad'}`}>${last.ok ? '最近一次加载成功' : '最近一次加载被拒绝'}</span> ${clock(last.at)}（${last.durationMs} ms）`
          : html`<span class="badge ok">已加载</span> ${s.loadedAt ? clock(s.loadedAt) : ''}`}
          <small> 共加载 ${s.reloads} 次，失败 ${s.failedReloads} 次</small></p>
        ${s.lastError && html`
          <div class="problems"><p>${last && last.ok ? '之前的错误（已修复）' : '错误（仍在使用上一版规则）'}：</p>
            <ul>${s.lastError.problems.map((p) => html`<li><code>${p.file}${p.line > 0 ? `:${p.line}` : ''}</code>${p.ruleId ? ` [${p.ruleId}]` : ''} ${p.message}</li>`)}</ul></div>`}
        <ul class="shops">${s.shops.map((x) => html`<li><b>${x.shopId}</b>：${x.files.length} 个文件，${x.rules} 条规则，${x.sizeCharts} 个尺码表，${x.catalogs} 个目录</li>`)}</ul>`}
    </section>`
}

export function Operator ({ session, onUnauthorized }) {
  const api = useCallback((method, path, body) => call(session.token, method, path, body).catch((err) => {
    if (err.status === 401) onUnauthorized()
    throw err
  }), [session.token])
  const props = { api, shop: session.shopId }
  return html`
    <main class="operator">
      <${Today} ...${props} />
      <${Unanswered} ...${props} />
      <${TryMessage} ...${props} />
      <${RulesStatus} ...${props} />
    </main>`
}
