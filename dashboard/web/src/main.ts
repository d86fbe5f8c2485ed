// Entry of the dashboard bundle: the theme's colours on the document, then the page's element.
import { lang } from './i18n/index.js';
import { applyTheme } from './theme.js';
import './qt-app.js';

applyTheme();
// index.html says "vi"; a reader who chose English keeps it after a reload (screen readers and
// hyphenation follow this attribute). setLang() keeps it right on later changes.
document.documentElement.lang = lang();
