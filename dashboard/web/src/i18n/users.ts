/** The users page's texts about scope by level (docs/SECURITY.md, "Access by level"). */
export const usersVi = {
  scope: 'Phạm vi',
  scope_country: 'Toàn quốc',
  scope_kind_province: 'Tỉnh/thành phố',
  scope_kind_zone: 'Khu công nghiệp',
  scope_kind_facility: 'Cơ sở',
  scope_zone: 'KCN {id}',
  scope_facility: 'Cơ sở {id}',
  scope_hint: 'Giữ Ctrl (hoặc ⌘) để chọn nhiều',
  scope_none: 'Chọn ít nhất một phạm vi',
  changeScope: 'Đổi phạm vi',
  saveScope: 'Lưu phạm vi',
  scopes_unavailable: 'Chưa tải được danh sách phạm vi: {error}',
};

export const usersEn: Record<keyof typeof usersVi, string> = {
  scope: 'Scope',
  scope_country: 'Whole country',
  scope_kind_province: 'Province',
  scope_kind_zone: 'Industrial zone',
  scope_kind_facility: 'Facility',
  scope_zone: 'Zone {id}',
  scope_facility: 'Facility {id}',
  scope_hint: 'Hold Ctrl (or ⌘) to choose several',
  scope_none: 'Choose at least one scope',
  changeScope: 'Change scope',
  saveScope: 'Save scope',
  scopes_unavailable: 'Could not load the scopes: {error}',
};
