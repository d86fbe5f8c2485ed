/** The truth of the connection: the banner, "as of" times, the page waiting for the centre. Vietnamese (the default) and English; `{name}` are placeholders. */
export const connectionVi = {
  link_down: 'Mất kết nối với trung tâm từ {at} — {ago}',
  link_stale: 'Không nhận được dữ liệu từ trung tâm từ {at} — {ago}',
  link_hint: 'Số liệu, trạng thái và số đếm bên dưới là của lúc đó, không phải trực tiếp. Đang kết nối lại…',
  link_asOf: 'lúc {at}',
  link_asOfTitle: 'Số liệu của lúc {at}, không phải trực tiếp',
  link_stalePill: 'không nhận được dữ liệu',
  link_seconds: '{n} giây',
  link_minutes: '{m} phút {s} giây',
  link_hours: '{h} giờ {m} phút',
  link_unreachable: 'Không liên lạc được với trung tâm ({error}); đang thử lại…',
};

export const connectionEn: Record<keyof typeof connectionVi, string> = {
  link_down: 'Connection to the centre lost since {at} — {ago}',
  link_stale: 'No data from the centre since {at} — {ago}',
  link_hint: 'Values, states and counts below are as of then, not live. Reconnecting…',
  link_asOf: 'as of {at}',
  link_asOfTitle: 'Data as of {at}, not live',
  link_stalePill: 'no data',
  link_seconds: '{n} s',
  link_minutes: '{m} min {s} s',
  link_hours: '{h} h {m} min',
  link_unreachable: 'Cannot reach the centre ({error}); retrying…',
};
