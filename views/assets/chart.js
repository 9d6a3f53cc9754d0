/* Caravan — temperature charts drawn with uPlot: the readings as a line, the allowed band
   shaded green, excursions shaded red. The data comes in a JSON script next to the chart. */
(function () {
  'use strict';

  function draw(holder) {
    var source = document.getElementById(holder.getAttribute('data-chart'));
    if (!source || typeof uPlot === 'undefined') return;
    var d = JSON.parse(source.textContent);
    holder.textContent = '';
    if (!d.x.length) return;
    var css = getComputedStyle(document.documentElement);
    var ok = 'rgba(15, 123, 63, 0.10)';
    var bad = 'rgba(179, 38, 30, 0.16)';
    var lo = d.min === null ? -80 : d.min;
    var hi = d.max === null ? 60 : d.max;

    function shade(u) {
      var ctx = u.ctx;
      var left = u.bbox.left;
      var width = u.bbox.width;
      ctx.save();
      // The allowed band (clipped to the plot).
      var top = u.valToPos(Math.min(hi, u.scales.y.max), 'y', true);
      var bottom = u.valToPos(Math.max(lo, u.scales.y.min), 'y', true);
      if (bottom > top) {
        ctx.fillStyle = ok;
        ctx.fillRect(left, top, width, bottom - top);
      }
      // Excursions, from start to end (or to the right edge while open).
      ctx.fillStyle = bad;
      for (var i = 0; i < d.excursions.length; i++) {
        var e = d.excursions[i];
        var x0 = Math.max(u.valToPos(e[0], 'x', true), left);
        var x1 = Math.min(e[1] === null ? left + width : u.valToPos(e[1], 'x', true), left + width);
        if (x1 > x0) ctx.fillRect(x0, u.bbox.top, x1 - x0, u.bbox.height);
      }
      ctx.restore();
    }

    // Times and numbers in the page's locale and the warehouse's time zone: 24-hour clock
    // where the locale uses it, dates as the locale writes them (29.11 in Russian, 2026/11/29
    // in Chinese). Ticks within a day show the time, with the date under the first tick of a day.
    var locale = d.locale || 'en-GB';
    function fmt(opts) {
      var o = { timeZone: d.timeZone };
      for (var k in opts) o[k] = opts[k];
      try { return new Intl.DateTimeFormat(locale, o); } catch (e) { delete o.timeZone; return new Intl.DateTimeFormat(locale, o); }
    }
    var timeFmt = fmt({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    var dayFmt = /^zh/.test(locale) ? fmt({ year: 'numeric', month: '2-digit', day: '2-digit' }) : fmt({ day: '2-digit', month: '2-digit' });
    var fullFmt = fmt({ year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    var numFmt = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
    function xValues(u, splits, axisIdx, space, incr) {
      var lastDay = null;
      return splits.map(function (ts) {
        if (ts == null) return null;
        var date = new Date(ts * 1000);
        var day = dayFmt.format(date);
        if (incr >= 86400) return day;
        var label = timeFmt.format(date);
        if (day !== lastDay) label += '\n' + day;
        lastDay = day;
        return label;
      });
    }

    var width = Math.max(280, holder.clientWidth);
    var opts = {
      width: width,
      height: Math.round(Math.min(420, Math.max(220, width * 0.45))),
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), d.timeZone); },
      scales: {
        x: { time: true },
        y: {
          range: function (u, min, max) {
            var a = Math.min(min, d.min === null ? min : d.min) - 1;
            var b = Math.max(max, d.max === null ? max : d.max) + 1;
            return [Math.floor(a), Math.ceil(b)];
          },
        },
      },
      axes: [{ values: xValues, size: 56 }, { label: '°C', size: 50, values: function (u, splits) { return splits.map(function (v) { return v == null ? null : numFmt.format(v); }); } }],
      series: [
        { label: d.timeLabel || 'Time', value: function (u, ts) { return ts == null ? '—' : fullFmt.format(new Date(ts * 1000)); } },
        { label: d.label, stroke: css.getPropertyValue('--brand') || '#0b5cad', width: 2, points: { show: d.x.length < 200 }, value: function (u, v) { return v == null ? '—' : numFmt.format(v); } },
      ],
      hooks: { drawClear: [shade] },
      legend: { live: true },
    };
    new uPlot(opts, [d.x, d.y], holder);
  }

  function all() {
    var holders = document.querySelectorAll('[data-chart]');
    for (var i = 0; i < holders.length; i++) draw(holders[i]);
  }
  document.addEventListener('DOMContentLoaded', all);
  var timer = null;
  window.addEventListener('resize', function () {
    clearTimeout(timer);
    timer = setTimeout(all, 200);
  });
})();
