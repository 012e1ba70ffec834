// The dashboard's small enhancements; every page works without them. Loaded from /static
// (no inline script: the Content-Security-Policy allows only the server's own files).
'use strict';

document.addEventListener('DOMContentLoaded', () => {
  const zh = document.documentElement.lang.startsWith('zh');

  // Forms that do something hard to undo (revoke a device, dismiss a case) ask first.
  for (const form of document.querySelectorAll('form[data-confirm]')) {
    form.addEventListener('submit', (event) => {
      const question = zh ? '确定要这样做吗？此操作不能撤销。' : 'Are you sure? This cannot be undone.';
      if (!window.confirm(question)) event.preventDefault();
    });
  }

  // A filter's select applies at once.
  for (const select of document.querySelectorAll('form.filters select')) {
    select.addEventListener('change', () => select.form.requestSubmit());
  }

  for (const button of document.querySelectorAll('[data-print]')) {
    button.addEventListener('click', () => window.print());
  }

  for (const link of document.querySelectorAll('a[data-back]')) {
    link.addEventListener('click', (event) => {
      if (window.history.length > 1) {
        event.preventDefault();
        window.history.back();
      }
    });
  }

  // A submitted form's button is disabled, so a slow answer is not sent twice.
  for (const form of document.querySelectorAll('form[method="post"]')) {
    form.addEventListener('submit', (event) => {
      if (event.defaultPrevented) return;
      for (const button of form.querySelectorAll('button[type="submit"]')) button.disabled = true;
    });
  }
});
