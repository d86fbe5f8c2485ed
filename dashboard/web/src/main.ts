// Entry of the dashboard bundle: the theme's colours on the document, then the page's element.
import { applyTheme } from './theme.js';
import './qt-app.js';

applyTheme();
