import { render } from 'preact';
import '../styles.css';

// Placeholder: the administrator console is built on this entry.
render(
  <main id="main" class="wide">
    <h1>Konsol Prakerja</h1>
  </main>,
  document.getElementById('app')!,
);
