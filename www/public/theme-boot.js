// The playground's effective theme before the first paint: a classic script loaded in
// <body> ahead of the page (no inline script: the Content-Security-Policy allows none).
// ui/theme.js keeps it up to date afterwards.
document.body.dataset.theme = /^(light|dark)$/.test(localStorage.getItem('kplay-theme') ?? '')
  ? localStorage.getItem('kplay-theme')
  : matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
