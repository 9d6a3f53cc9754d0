// Caravan page behaviour: keyboard-wedge scanner forms, result sounds, focus handling.
(function () {
  'use strict';

  var audio = null;
  function beep(kind) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      // ok: one high beep; warn (over, not on this document): two mid beeps; error: a low buzz.
      var tones = kind === 'ok' ? [[1320, 0, 0.12]] : kind === 'warn' ? [[740, 0, 0.1], [740, 0.16, 0.1]] : [[220, 0, 0.16], [180, 0.2, 0.22]];
      tones.forEach(function (t) {
        var osc = audio.createOscillator();
        var gain = audio.createGain();
        osc.type = kind === 'error' ? 'square' : 'sine';
        osc.frequency.value = t[0];
        gain.gain.value = 0.15;
        osc.connect(gain);
        gain.connect(audio.destination);
        osc.start(audio.currentTime + t[1]);
        osc.stop(audio.currentTime + t[1] + t[2]);
      });
    } catch (e) {
      /* no audio on this device */
    }
    if (kind !== 'ok' && navigator.vibrate) navigator.vibrate(kind === 'warn' ? [80, 60, 80] : [120, 60, 120]);
  }
  window.caravanBeep = beep;

  function fields(form) {
    return Array.prototype.filter.call(form.querySelectorAll('input, select'), function (el) {
      return el.type !== 'hidden' && !el.disabled;
    });
  }

  // Counting by scanning: in a quantity field marked data-count-scans-of, scanning the same
  // item again (instead of typing a number) adds one: item scan = 1, each further scan + 1.
  // A barcode is digits too (EAN-13, GTIN-14): the item's own code is a scan, unless it is so
  // short (under 8 digits, below any EAN) that it could be a typed quantity.
  document.addEventListener('keydown', function (ev) {
    if (ev.key !== 'Enter' || ev.isComposing) return;
    var el = ev.target;
    var of = el && el.getAttribute && el.getAttribute('data-count-scans-of');
    if (!of) return;
    var item = document.getElementById(of);
    var typed = el.value.trim();
    if (!item || typed === '' || typed !== item.value.trim()) return;
    if (/^\d{1,7}$/.test(typed)) return;
    ev.preventDefault();
    ev.stopImmediatePropagation();
    var count = Number(el.getAttribute('data-counted') || '1') + 1;
    el.setAttribute('data-counted', String(count));
    el.value = String(count);
    el.select();
    beep('ok');
  }, true);

  // A scanner types the code and presses Enter: in a scan form, Enter moves to the next
  // empty required field (or to a field marked data-stop, such as the quantity, to confirm
  // it) and submits only from the last one.
  document.addEventListener('keydown', function (ev) {
    if (ev.key !== 'Enter' || ev.isComposing) return;
    var el = ev.target;
    var form = el && el.form;
    if (!form || !form.hasAttribute('data-scan-form') || el.tagName !== 'INPUT') return;
    var list = fields(form);
    var next = list.slice(list.indexOf(el) + 1).find(function (f) {
      return f.tagName === 'INPUT' && f.required && (f.value.trim() === '' || f.hasAttribute('data-stop'));
    });
    if (el.value.trim() === '' && el.required) {
      ev.preventDefault();
      return;
    }
    if (next) {
      ev.preventDefault();
      next.focus();
      if (next.select) next.select();
    }
  });

  function settle(root) {
    var result = root.querySelector ? root.querySelector('[data-result]') || (root.hasAttribute && root.hasAttribute('data-result') ? root : null) : null;
    if (result) beep(result.getAttribute('data-result'));
    var focus = root.querySelector && root.querySelector('[autofocus]');
    if (focus) {
      focus.focus();
      if (focus.select) focus.select();
    }
  }

  // Filters applied in place change the address (hx-push-url), not the page: switching the
  // language comes back to the address as it is now, filters included.
  document.addEventListener('submit', function (ev) {
    var form = ev.target;
    if (!form || !form.classList || !form.classList.contains('lang-switch')) return;
    var next = form.querySelector('input[name="next"]');
    if (next) next.value = location.pathname + location.search;
  }, true);

  document.addEventListener('htmx:afterSettle', function (ev) {
    var target = ev.detail && ev.detail.elt;
    if (!target) return;
    if (target.matches && target.matches('[data-result], form[data-scan-form]')) settle(target.parentNode || document);
    // After a search, select the box so the next scan replaces it.
    if (target.id === 'inventory-results' || target.id === 'ledger-results') {
      var problem = target.querySelector('[data-result]');
      if (problem) beep(problem.getAttribute('data-result'));
      var box = document.querySelector('[data-scan-input]');
      if (box) box.select();
    }
  });

  // A form that throws work away asks first (data-confirm holds the question).
  document.addEventListener('submit', function (ev) {
    var form = ev.target;
    var question = form && form.getAttribute && form.getAttribute('data-confirm');
    if (question && !window.confirm(question)) ev.preventDefault();
  }, true);

  // A plain form posts once: a second Enter or click while the page is on its way (the
  // answer navigates away) is ignored, so a double submit never reads as a conflict. Scan
  // forms and htmx forms are left alone: a scanner's scans must all go through.
  document.addEventListener('submit', function (ev) {
    var form = ev.target;
    if (ev.defaultPrevented || !form || !form.getAttribute || (form.getAttribute('method') || '').toLowerCase() !== 'post') return;
    if (form.hasAttribute('data-scan-form') || form.hasAttribute('hx-post')) return;
    if (form.hasAttribute('data-submitting')) {
      ev.preventDefault();
      return;
    }
    form.setAttribute('data-submitting', '');
  });
  // Back to a page kept by the browser: its forms may post again.
  window.addEventListener('pageshow', function () {
    document.querySelectorAll('form[data-submitting]').forEach(function (f) {
      f.removeAttribute('data-submitting');
    });
  });

  document.addEventListener('htmx:responseError', function () {
    beep('error');
  });

  document.addEventListener('DOMContentLoaded', function () {
    // The menu scrolls sideways where it does not fit: the current page's item is brought into view.
    var nav = document.querySelector('.topbar .nav');
    var here = nav && nav.querySelector('[aria-current="page"]');
    if (nav && here && nav.scrollWidth > nav.clientWidth) {
      nav.scrollLeft += here.getBoundingClientRect().left - nav.getBoundingClientRect().left - (nav.clientWidth - here.offsetWidth) / 2;
    }
    // Filters fold away on a handheld and stay open on a tablet or desktop.
    if (window.matchMedia('(min-width: 721px)').matches) {
      document.querySelectorAll('details.more').forEach(function (d) {
        d.open = true;
      });
    }
    var result = document.querySelector('[data-result]');
    if (result) beep(result.getAttribute('data-result'));
    // A scanner screen loaded after a refused scan keeps the scan in the box: select it, so the
    // next scan replaces it instead of being added to it.
    var box = document.querySelector('input[autofocus]');
    if (box && box.select && box.value) box.select();
  });
})();
