// Alliance web UI: the only script of our own (no inline script anywhere; see the Content-Security-Policy).
// A form marked data-once disables its submit button once it is sent, so a double tap sends it once; the server
// also refuses a second submit with the same idempotency key.
document.addEventListener('submit', function (event) {
  var form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-once')) return;
  if (form.dataset.sent === 'true') { event.preventDefault(); return; }
  form.dataset.sent = 'true';
  form.querySelectorAll('button[type=submit]').forEach(function (b) { b.setAttribute('aria-busy', 'true'); });
}, true);
// Enhanced navigation reuses the page: a form that was sent and came back with errors can be sent again.
document.addEventListener('DOMContentLoaded', function () {
  if (window.Blazor && window.Blazor.addEventListener) {
    window.Blazor.addEventListener('enhancedload', function () {
      document.querySelectorAll('form[data-once]').forEach(function (f) { delete f.dataset.sent; });
    });
  }
});
// A circuit the server no longer knows (it restarted, or the circuit expired while the phone slept) cannot reconnect:
// Blazor reports it as rejected, and a reload starts a fresh one instead of leaving the shell's banner up.
document.addEventListener('components-reconnect-state-changed', function (event) {
  if (event.detail && event.detail.state === 'rejected') location.reload();
}, true); // the event does not bubble: it is dispatched on the shell's banner, so listen while it is captured
