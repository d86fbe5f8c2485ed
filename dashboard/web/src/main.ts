// Entry of the dashboard bundle: defining the page's element is all it takes.
import './qt-app.js';
