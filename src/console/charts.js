// Small SVG charts drawn by preact: no chart library, two shapes are all the operator view needs.
import { h } from 'preact'
import htm from 'htm'

const html = htm.bind(h)

/** Stacked bars per hour: answered by the bot (bottom) and handed to a person (top). */
export function HoursChart ({ hours, nowHour }) {
  const W = 24 * 14
  const H = 110
  const max = Math.max(1, ...hours.map((x) => x.reply + x.handoff + x.silent))
  const y = (v) => (v / max) * (H - 16)
  return html`
    <svg class="chart" viewBox=${`0 0 ${W} ${H + 14}`} role="img" aria-label="每小时消息数：机器人回答与转人工">
      ${hours.map((x, i) => {
        const r = y(x.reply)
        const o = y(x.handoff + x.silent)
        return html`<g>
          <title>${`${x.hour}点：机器人回答 ${x.reply}，转人工 ${x.handoff}，客服接待中 ${x.silent}`}</title>
          <rect class="reply" x=${i * 14 + 2} y=${H - r} width="10" height=${r} />
          <rect class="handoff" x=${i * 14 + 2} y=${H - r - o} width="10" height=${o} />
          ${i % 3 === 0 && html`<text x=${i * 14 + 7} y=${H + 11} text-anchor="middle">${x.hour}</text>`}
          ${i === nowHour && html`<rect class="now" x=${i * 14} y=${H + 1} width="14" height="2" />`}
        </g>`
      })}
      <text class="max" x="0" y="9">${max}</text>
    </svg>`
}

/** Horizontal bars, largest first. */
export function Bars ({ rows, label }) {
  const max = Math.max(1, ...rows.map((r) => r.count))
  return html`
    <ul class="bars" aria-label=${label}>
      ${rows.map((r) => html`<li><span class="name">${r.name}</span><span class="bar"><span style=${{ width: `${(r.count / max) * 100}%` }}></span></span><span class="n">${r.count}</span></li>`)}
    </ul>`
}

/** A ring for a share (0..1), or a dash when there is nothing to count yet. */
export function Ring ({ share, label }) {
  const c = 2 * Math.PI * 26
  const v = share === null || share === undefined ? null : Math.max(0, Math.min(1, share))
  return html`
    <svg class="ring" viewBox="0 0 64 64" role="img" aria-label=${label}>
      <circle class="track" cx="32" cy="32" r="26" />
      ${v !== null && html`<circle class="value" cx="32" cy="32" r="26" stroke-dasharray=${`${v * c} ${c}`} transform="rotate(-90 32 32)" />`}
      <text x="32" y="37" text-anchor="middle">${v === null ? '—' : `${Math.round(v * 100)}%`}</text>
    </svg>`
}
