/** The station chart: legend, zoom reset and what it says about gaps. Texts in Vietnamese (the default) and English; `{name}` are placeholders. */
export const chartsVi = {
  chart_time: 'Thời gian (UTC+7)',
  chart_mean: '{parameter} trung bình ({unit})',
  chart_min: 'nhỏ nhất',
  chart_max: 'lớn nhất',
  chart_limitMax: 'Giới hạn ({unit})',
  chart_limitMin: 'Giới hạn dưới ({unit})',
  chart_resetZoom: 'Xem cả khoảng',
  chart_resetZoomTitle: 'Bỏ phóng to, trở lại khoảng đã chọn (hoặc nhấp đúp vào biểu đồ)',
  chart_zoomHint: 'Kéo trên biểu đồ để phóng to.',
  chart_gaps: 'Khoảng trống là thời gian không có số liệu.',
} as const;

export const chartsEn: Record<keyof typeof chartsVi, string> = {
  chart_time: 'Time (UTC+7)',
  chart_mean: '{parameter} mean ({unit})',
  chart_min: 'min',
  chart_max: 'max',
  chart_limitMax: 'Limit ({unit})',
  chart_limitMin: 'Lower limit ({unit})',
  chart_resetZoom: 'Reset zoom',
  chart_resetZoomTitle: 'Undo the zoom, back to the chosen range (or double-click the chart)',
  chart_zoomHint: 'Drag across the chart to zoom in.',
  chart_gaps: 'Breaks in the line are times without data.',
};
