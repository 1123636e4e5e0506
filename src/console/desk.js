// The agent desk: the live queue, the chat the agent holds, the answer box and quick replies.
import { h } from 'preact'
import { useEffect, useRef, useState, useCallback } from 'preact/hooks'
import htm from 'htm'
import { call, stream, clientId } from './api.js'
import { REASONS, ROLES, DELIVERY, duration, clock, percent, fillQuickReply, nicknameOf } from './format.js'
import { createAlert } from './alert.js'

const html = htm.bind(h)

/** Every second, so the wait times count up without asking the server. */
function useNow () {
  const [now, setNow] = useState(Date.now())
  useEffect(() => { const t = setInterval(() => setNow(Date.now()), 1000); return () => clearInterval(t) }, [])
  return now
}

function QueueItem ({ t, now, me, onPick, busy }) {
  const mine = t.agentId === me
  return html`
    <li class=${`ticket ${t.priority} ${t.status}${mine ? ' mine' : ''}`} data-ticket=${t.id}>
      <div class="line">
        ${t.priority === 'urgent' && html`<span class="badge urgent">紧急</span>`}
        <span class="badge">${REASONS[t.reason] || t.reason}</span>
        ${t.status === 'waiting'
          ? html`<span class="pos">第${t.position + 1}位</span><span class="wait">已等 ${duration(now - t.createdAt)}</span>`
          : html`<span class="holder">${mine ? '我在接待' : `${t.agentId} 接待中`}</span>`}
      </div>
      <div class="preview">${t.lastBuyerText || '（非文字消息）'}</div>
      <div class="line meta"><span>${t.nickname ? `${t.nickname} · ` : ''}买家 ${t.buyerId}</span>
        ${t.status === 'waiting' && html`<button class="small" disabled=${busy} onClick=${() => onPick(t.id)}>接待</button>`}
        ${mine && html`<button class="small" onClick=${() => onPick(t.id)}>打开</button>`}
      </div>
    </li>`
}

function Message ({ m }) {
  const d = m.delivery
  return html`
    <li class=${`msg ${m.role}`}>
      <div class="who">${ROLES[m.role] || m.role}${m.role === 'agent' && m.agentId ? ` · ${m.agentId}` : ''}${m.role === 'buyer' && m.nickname ? ` · ${m.nickname}` : ''} <time>${clock(m.at)}</time></div>
      <div class="text">${m.text}</div>
      ${d && html`<div class=${`delivery ${d.status}`}>${DELIVERY[d.status] || d.status}${d.reason ? `：${d.reason}` : ''}</div>`}
    </li>`
}

function Chat ({ ticket, messages, quickReplies, session, onSend, onRelease, onResolve, busy }) {
  const [draft, setDraft] = useState('')
  const list = useRef(null)
  useEffect(() => { if (list.current) list.current.scrollTop = list.current.scrollHeight }, [messages.length])
  const nickname = nicknameOf(ticket.chat)
  const vars = { buyer: nickname, agent: session.agentId, shop: session.shopId }
  const send = async (text) => {
    const t = text.trim()
    if (!t) return
    if (await onSend(t)) setDraft('')
  }
  return html`
    <section class="chat" aria-label="当前会话">
      <header class="chat-head">
        <div><strong>${nickname || `买家 ${ticket.buyerId}`}</strong>
          ${ticket.priority === 'urgent' && html` <span class="badge urgent">紧急</span>`}
          <span class="badge">${REASONS[ticket.reason] || ticket.reason}</span></div>
        <div class="meta">会话 ${ticket.conversationId} · 转人工于 ${clock(ticket.createdAt)}</div>
      </header>
      <ol class="messages" ref=${list}>${messages.map((m, i) => html`<${Message} key=${m.messageId || i} m=${m} />`)}</ol>
      <div class="quick" aria-label="快捷回复">
        ${quickReplies.map((q) => {
          const filled = fillQuickReply(q.text, vars)
          return html`<span class="qr"><button class="chip" title=${filled} disabled=${busy} onClick=${() => send(filled)}>${q.title}</button><button class="chip edit" title="放入输入框修改" aria-label=${`编辑 ${q.title}`} onClick=${() => setDraft(filled)}>✎</button></span>`
        })}
      </div>
      <form class="answer" onSubmit=${(e) => { e.preventDefault(); send(draft) }}>
        <textarea rows="3" maxlength="2000" placeholder="输入回复，Enter 发送，Shift+Enter 换行" value=${draft}
          onInput=${(e) => setDraft(e.currentTarget.value)}
          onKeyDown=${(e) => { if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); send(draft) } }}></textarea>
        <button class="primary" disabled=${busy || !draft.trim()}>发送</button>
      </form>
      <div class="actions">
        <button onClick=${onRelease} disabled=${busy}>转回队列</button>
        <button class="primary" onClick=${onResolve} disabled=${busy}>结束会话</button>
      </div>
    </section>`
}

export function Desk ({ session, patch, onUnauthorized }) {
  const now = useNow()
  const [snap, setSnap] = useState(null)
  const [live, setLive] = useState('connecting')
  const [ticket, setTicket] = useState(null)
  const [history, setHistory] = useState(null)
  const [quickReplies, setQuickReplies] = useState([])
  const [busy, setBusy] = useState(false)
  const [notice, setNotice] = useState('')
  const [sound, setSound] = useState(true)
  const skew = useRef(0)
  const seen = useRef(null)
  const alert = useRef(null)
  const api = useCallback((method, path, body) => call(session.token, method, path, body).catch((err) => {
    if (err.status === 401) onUnauthorized()
    throw err
  }), [session.token])
  const shop = session.shopId
  const agentBody = { agentId: session.agentId, shopId: shop }

  const held = useRef(null)
  const hold = (t) => {
    held.current = t
    setTicket(t)
    patch({ ticketId: t ? t.id : undefined })
    if (!t) setHistory(null)
  }
  const lost = (err) => {
    if (err.code === 'AR_ERR_NOT_TICKET_OWNER' || err.code === 'AR_ERR_TICKET_NOT_FOUND') {
      setNotice('这个会话已不在您手上（超时回到队列或已被结束）')
      hold(null)
      return true
    }
    return false
  }
  const loadHistory = async (t) => {
    try {
      setHistory(await api('GET', `/v1/conversations/${encodeURIComponent(t.conversationId)}?shopId=${encodeURIComponent(shop)}`))
    } catch (err) {
      // no history kept (HISTORY_TTL passed): the ticket's own chat is what there is
      if (err.status !== 404 || err.code === 'AR_ERR_UNKNOWN_SHOP') throw err
      setHistory(null)
    }
  }

  // the live queue
  useEffect(() => {
    alert.current = createAlert()
    const stop = stream(session.token, `/v1/console/events?shopId=${encodeURIComponent(shop)}`, {
      onState: (s) => { setLive(s); if (s === 'unauthorized') onUnauthorized() },
      onEvent: (type, s) => {
        if (type === 'queue') { skew.current = s.at - Date.now(); setSnap(s) }
        // one of our messages reached the buyer, or failed: show it
        if (type === 'delivery' && held.current && s.conversationId === held.current.conversationId) loadHistory(held.current).catch(() => {})
      }
    })
    api('GET', `/v1/console/quick-replies?shopId=${encodeURIComponent(shop)}`).then((r) => setQuickReplies(r.quickReplies)).catch(() => {})
    return () => { stop(); alert.current.close() }
  }, [shop])

  // a chat waits that was not there before: title flash and a sound
  useEffect(() => {
    if (!snap) return
    const waiting = snap.tickets.filter((t) => t.status === 'waiting').map((t) => t.id)
    const fresh = seen.current ? waiting.filter((id) => !seen.current.has(id)) : []
    seen.current = new Set(waiting)
    if (fresh.length) alert.current.ring({ sound, title: `【${waiting.length}位买家等待】客服工作台` })
    if (!waiting.length) alert.current.stop()
  }, [snap])

  // back after a reload: the claim is still ours if a heartbeat says so
  useEffect(() => {
    if (!session.ticketId) return
    api('POST', `/v1/handoff/tickets/${encodeURIComponent(session.ticketId)}/heartbeat`, agentBody)
      .then((r) => { hold(r.ticket); return loadHistory(r.ticket) })
      .catch((err) => { if (!lost(err)) setNotice(err.message) })
  }, [])

  // heartbeats while the chat is open: a closed tab sends none and the claim lapses to the queue
  useEffect(() => {
    if (!ticket) return
    const every = Math.max(2000, Math.min(20000, Math.floor(session.claimTimeoutMs / 4)))
    const beat = setInterval(() => {
      api('POST', `/v1/handoff/tickets/${encodeURIComponent(ticket.id)}/heartbeat`, agentBody)
        .then((r) => { if (r.ticket) { held.current = r.ticket; setTicket(r.ticket) } })
        .catch((err) => { lost(err) })
    }, every)
    return () => clearInterval(beat)
  }, [ticket && ticket.id])

  // the buyer wrote again (the queue shows a newer line in our chat): read it now, not at the next beat
  const mineInQueue = snap && ticket ? snap.tickets.find((t) => t.id === ticket.id) : undefined
  useEffect(() => {
    if (!mineInQueue || !ticket) return
    api('GET', `/v1/handoff/tickets/${encodeURIComponent(ticket.id)}?shopId=${encodeURIComponent(shop)}`)
      .then((t) => { held.current = t; setTicket(t); return loadHistory(t) }).catch((err) => { lost(err) })
  }, [mineInQueue && mineInQueue.lastAt])

  const act = async (fn) => {
    setBusy(true)
    setNotice('')
    alert.current.unlock()
    try { return await fn() } catch (err) { if (!lost(err)) setNotice(err.message); return undefined } finally { setBusy(false) }
  }
  const claimNext = () => act(async () => {
    const t = await api('POST', '/v1/handoff/claim', agentBody)
    if (!t) { setNotice('队列里没有等待的会话'); return }
    hold(t)
    await loadHistory(t)
  })
  const pick = (id) => act(async () => {
    const t = await api('POST', `/v1/handoff/tickets/${encodeURIComponent(id)}/claim`, agentBody)
    hold(t)
    await loadHistory(t)
  })
  const send = (text) => act(async () => {
    await api('POST', `/v1/handoff/tickets/${encodeURIComponent(ticket.id)}/replies`, { ...agentBody, text, clientMsgId: clientId() })
    await loadHistory(ticket)
    return true
  })
  const release = () => act(async () => { await api('POST', `/v1/handoff/tickets/${encodeURIComponent(ticket.id)}/release`, agentBody); hold(null) })
  const resolve = () => act(async () => { await api('POST', `/v1/handoff/tickets/${encodeURIComponent(ticket.id)}/resolve`, agentBody); hold(null); setNotice('会话已结束，机器人继续接待这位买家') })

  const serverNow = now + skew.current
  const tickets = snap ? snap.tickets : []
  const waiting = tickets.filter((t) => t.status === 'waiting')
  const stats = snap && snap.stats
  const messages = history ? history.messages : ticket ? ticket.chat : []
  return html`
    <main class="desk">
      <section class="queue" aria-label="排队">
        <div class="stats">
          <span class=${`live ${live}`} title=${live === 'live' ? '实时' : '重新连接中'}>●</span>
          <span>等待 <b data-stat="waiting">${stats ? stats.waiting : '…'}</b>${stats && stats.urgent ? html`（紧急 <b>${stats.urgent}</b>）` : ''}</span>
          <span>在线客服 <b data-stat="agents">${stats ? stats.agentsOnline : '…'}</b></span>
          <span title="近24小时转人工的会话中，3分钟内得到客服第一条回复的比例">3分钟回复率 <b data-stat="reply3m">${stats ? percent(stats.repliedWithin3mShare) : '…'}</b></span>
          <button class="link" aria-pressed=${sound} title="有新会话时响铃" onClick=${() => setSound(!sound)}>${sound ? '提示音：开' : '提示音：关'}</button>
        </div>
        <button class="primary wide" onClick=${claimNext} disabled=${busy || !waiting.length}>接待下一位${waiting.length ? `（${waiting.length}）` : ''}</button>
        ${notice && html`<p class="notice" role="status">${notice}</p>`}
        <ul class="tickets">
          ${tickets.map((t) => html`<${QueueItem} key=${t.id} t=${t} now=${serverNow} me=${session.agentId} onPick=${pick} busy=${busy} />`)}
        </ul>
        ${snap && !tickets.length && html`<p class="empty">暂时没有需要人工的会话</p>`}
      </section>
      ${ticket
        ? html`<${Chat} ticket=${ticket} messages=${messages} quickReplies=${quickReplies} session=${session} busy=${busy} onSend=${send} onRelease=${release} onResolve=${resolve} />`
        : html`<section class="chat placeholder"><p>点「接待下一位」或队列里的「接待」开始会话。</p></section>`}
    </main>`
}
