// The console's shell: sign in, then the agent desk and/or the operator view, as the token allows.
import { h, render } from 'preact'
import { useState } from 'preact/hooks'
import htm from 'htm'
import { call, loadSession, saveSession } from './api.js'
import { Desk } from './desk.js'
import { Operator } from './operator.js'

const html = htm.bind(h)

function SignIn ({ onSignedIn }) {
  const [token, setToken] = useState('')
  const [agent, setAgent] = useState('')
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  const submit = async (e) => {
    e.preventDefault()
    setBusy(true)
    setError('')
    try {
      const me = await call(token.trim(), 'GET', '/v1/console/me')
      const agentId = me.agentId || agent.trim()
      if (me.roles.includes('agent') && !agentId) throw new Error('请填写您的客服名（工号），买家看不到它')
      if (agentId.startsWith('_')) throw new Error('客服名不能以 _ 开头')
      onSignedIn({ token: token.trim(), agentId, roles: me.roles, shops: me.shops, shopId: me.shops.includes('default') ? 'default' : me.shops[0], claimTimeoutMs: me.claimTimeoutMs, view: me.roles.includes('agent') ? 'desk' : 'operator' })
    } catch (err) {
      setError(err.code === 'AR_ERR_UNAUTHORIZED' ? '令牌不正确' : err.code === 'AR_ERR_CONSOLE_DISABLED' ? '服务还没有配置令牌：请管理员设置 AGENT_TOKEN 或 OPERATOR_TOKEN 后重启' : err.message)
    } finally {
      setBusy(false)
    }
  }
  return html`
    <form class="signin" onSubmit=${submit}>
      <h1>客服工作台</h1>
      <label>令牌（客服或运营）<input type="password" autocomplete="current-password" required value=${token} onInput=${(e) => setToken(e.currentTarget.value)} name="token" /></label>
      <label>客服名 / 工号<input autocomplete="username" value=${agent} onInput=${(e) => setAgent(e.currentTarget.value)} name="agent" placeholder="如 小王（个人令牌可不填）" /></label>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <button class="primary" disabled=${busy}>${busy ? '登录中…' : '登录'}</button>
      <p class="hint">令牌只保存在本标签页中，关闭标签页即退出。</p>
    </form>`
}

function App () {
  const [session, setSession] = useState(loadSession)
  const update = (next) => { saveSession(next); setSession(next) }
  if (!session) return html`<${SignIn} onSignedIn=${update} />`
  const patch = (p) => update({ ...session, ...p })
  const signOut = () => update(null)
  const tabs = [['desk', '接待台', 'agent'], ['operator', '运营', 'operator']].filter(([, , role]) => session.roles.includes(role))
  return html`
    <div class="shell">
      <header class="top">
        <strong class="brand">客服工作台</strong>
        <nav>${tabs.map(([id, label]) => html`<button class=${session.view === id ? 'tab on' : 'tab'} onClick=${() => patch({ view: id })}>${label}</button>`)}</nav>
        ${session.shops.length > 1 && html`<select aria-label="店铺" value=${session.shopId} onChange=${(e) => patch({ shopId: e.currentTarget.value, ticketId: undefined })}>${session.shops.map((s) => html`<option value=${s}>${s}</option>`)}</select>`}
        <span class="who">${session.agentId || '运营'}</span>
        <button class="link" onClick=${signOut}>退出</button>
      </header>
      ${session.view === 'desk'
        ? html`<${Desk} key=${session.shopId} session=${session} patch=${patch} onUnauthorized=${signOut} />`
        : html`<${Operator} key=${session.shopId} session=${session} onUnauthorized=${signOut} />`}
    </div>`
}

const root = document.getElementById('app')
root.textContent = '' // the loading line
render(html`<${App} />`, root)
