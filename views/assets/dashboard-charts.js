/* Caravan — dashboard charts drawn with uPlot: the stock trend (a line) and the daily
   throughput (received and sent out, bars side by side). The data comes in a JSON script
   next to each chart: { locale, kind: 'line' | 'bars', x: [day, as epoch seconds of its UTC
   midnight], xLabel, series: [{ label, values }] }. Days and numbers are written in the page's locale. */
(function () {
  'use strict';

  var colours = ['#0b5cad', '#d9480f'];

  function draw(holder) {
    var source = document.getElementById(holder.getAttribute('data-dash-chart'));
    if (!source || typeof uPlot === 'undefined') return;
    var d = JSON.parse(source.textContent);
    holder.textContent = '';
    if (!d.x.length) return;
    var dayFmt = new Intl.DateTimeFormat(d.locale, { timeZone: 'UTC', day: '2-digit', month: '2-digit' });
    var longFmt = new Intl.DateTimeFormat(d.locale, { timeZone: 'UTC', year: 'numeric', month: '2-digit', day: '2-digit' });
    var numFmt = new Intl.NumberFormat(d.locale);
    var bars = d.kind === 'bars';
    var css = getComputedStyle(document.documentElement);
    var brand = (css.getPropertyValue('--brand') || '').trim() || colours[0];

    var series = [{ label: d.xLabel, value: function (u, v) { return v == null ? '—' : longFmt.format(new Date(v * 1000)); } }];
    d.series.forEach(function (s, i) {
      var colour = i === 0 ? brand : colours[i % colours.length];
      series.push({
        label: s.label,
        stroke: colour,
        width: bars ? 1 : 2,
        fill: bars ? colour : 'rgba(11, 92, 173, 0.08)',
        points: { show: !bars && d.x.length <= 31 },
        paths: bars ? uPlot.paths.bars({ size: [0.36, 36], align: d.series.length > 1 ? (i === 0 ? -1 : 1) : 0 }) : undefined,
        value: function (u, v) { return v == null ? '—' : numFmt.format(v); },
      });
    });

    var width = Math.max(280, holder.clientWidth);
    var opts = {
      width: width,
      height: Math.round(Math.min(320, Math.max(200, width * 0.42))),
      scales: {
        x: {
          time: true,
          range: function (u, min, max) { return bars ? [min - 43200, max + 43200] : [min, max]; },
        },
        y: {
          range: function (u, min, max) {
            var lo = Math.min(0, min);
            var hi = Math.max(1, max);
            return [lo, Math.ceil(hi * 1.08)];
          },
        },
      },
      axes: [
        { values: function (u, splits) { return splits.map(function (s) { return dayFmt.format(new Date(s * 1000)); }); } },
        {
          values: function (u, splits) { return splits.map(function (s) { return numFmt.format(s); }); },
          // Wide enough for the longest label ("150,000", "150 000").
          size: function (u, values) {
            var longest = (values || []).reduce(function (m, v) { return Math.max(m, String(v).length); }, 1);
            return 16 + longest * 8;
          },
        },
      ],
      series: series,
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
    };
    var data = [d.x].concat(d.series.map(function (s) { return s.values; }));
    new uPlot(opts, data, holder);
  }

  function drawIn(onlyNew) {
    var holders = document.querySelectorAll('[data-dash-chart]');
    for (var i = 0; i < holders.length; i++) {
      if (onlyNew && holders[i].querySelector('.uplot')) continue;
      draw(holders[i]);
    }
  }

  document.addEventListener('DOMContentLoaded', function () { drawIn(false); });
  // The filters and the periodic refresh swap new figures in: draw the charts that came with them.
  document.addEventListener('htmx:afterSettle', function () { drawIn(true); });
  var timer = null;
  window.addEventListener('resize', function () {
    clearTimeout(timer);
    timer = setTimeout(function () { drawIn(false); }, 200);
  });
})();
