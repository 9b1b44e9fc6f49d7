// The widget demo article (embed.html). Opened with a scenario in its fragment
// (`embed.html#preset=NAME&panels=...`, or `#s=...`: what an <iframe src> would say), it
// is the iframe embed instead: it hands over to frame.html with the same fragment.
const wanted = new URLSearchParams(location.hash.slice(1));
if (wanted.has('preset') || wanted.has('s')) location.replace(new URL(`frame.html${location.hash}`, location.href).href);
else import('./widget.js');
