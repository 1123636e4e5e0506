// A chat waits: the tab title flashes while the tab is in the background, and a short tone plays.
// The tone is made with Web Audio (no sound file); browsers allow it only after the agent has
// clicked something in the page, so unlock() is called from the first click.

export function createAlert () {
  const base = document.title
  let flash = null
  let ctx = null
  const stopFlash = () => { if (flash) { clearInterval(flash); flash = null; document.title = base } }
  const onVisible = () => { if (!document.hidden) stopFlash() }
  document.addEventListener('visibilitychange', onVisible)
  const beep = () => {
    if (!ctx || ctx.state !== 'running') return
    const osc = ctx.createOscillator()
    const gain = ctx.createGain()
    osc.frequency.value = 880
    gain.gain.setValueAtTime(0.15, ctx.currentTime)
    gain.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + 0.4)
    osc.connect(gain).connect(ctx.destination)
    osc.start()
    osc.stop(ctx.currentTime + 0.4)
  }
  const unlock = () => {
    try { ctx = ctx || new AudioContext(); if (ctx.state === 'suspended') ctx.resume() } catch { ctx = null }
  }
  document.addEventListener('pointerdown', unlock, { once: true })
  return {
    unlock,
    ring ({ sound, title }) {
      if (sound) beep()
      if (!document.hidden || flash) return
      let on = false
      flash = setInterval(() => { on = !on; document.title = on ? title : base }, 1000)
    },
    stop () {
      stopFlash()
    },
    close () {
      stopFlash()
      document.removeEventListener('visibilitychange', onVisible)
      document.removeEventListener('pointerdown', unlock)
      if (ctx) ctx.close()
    }
  }
}
