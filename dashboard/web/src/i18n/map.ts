/** The map (overview's map view): markers' accessible names, controls, credits. Texts in Vietnamese (the default) and English. */
export const mapVi = {
  mapLabel: 'Bản đồ các trạm quan trắc',
  mapZoneMarker: 'Khu {zone} ({province}): {n} trạm, {state}. Bấm để phóng to.',
  mapStationMarker: 'Trạm {id} {name}: {state}',
  mapZoomIn: 'Phóng to',
  mapZoomOut: 'Thu nhỏ',
  mapLoading: 'Đang tải bản đồ…',
  mapFailed: 'Không tải được bản đồ.',
  mapZones: 'Các khu',
  mapBasemapCredit: 'Nền bản đồ: Natural Earth, GSHHG, DCW',
};

export const mapEn: Record<keyof typeof mapVi, string> = {
  mapLabel: 'Map of the monitoring stations',
  mapZoneMarker: 'Zone {zone} ({province}): {n} stations, {state}. Press to zoom in.',
  mapStationMarker: 'Station {id} {name}: {state}',
  mapZoomIn: 'Zoom in',
  mapZoomOut: 'Zoom out',
  mapLoading: 'Loading the map…',
  mapFailed: 'The map could not be loaded.',
  mapZones: 'Zones',
  mapBasemapCredit: 'Basemap: Natural Earth, GSHHG, DCW',
};
