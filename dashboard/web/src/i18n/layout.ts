/**
 * Texts of the page's frame: the phone menu, the forms' validation messages (the browser's
 * own are in its language, not the page's), the one-time password of a new account.
 */
export const layoutVi = {
  menu: 'Danh mục',
  valid_required: 'Vui lòng điền vào ô này.',
  valid_choose: 'Vui lòng chọn ít nhất một mục.',
  valid_pattern: 'Giá trị không đúng định dạng yêu cầu.',
  valid_userName: 'Tên đăng nhập: 2–32 ký tự, chữ thường không dấu, chữ số, dấu chấm, gạch dưới hoặc gạch ngang.',
  valid_min: 'Giá trị phải lớn hơn hoặc bằng {min}.',
  valid_max: 'Giá trị phải nhỏ hơn hoặc bằng {max}.',
  valid_number: 'Vui lòng nhập một số.',
  valid_tooLong: 'Tối đa {n} ký tự.',
  valid_other: 'Giá trị không hợp lệ.',
  otp_title: 'Mật khẩu một lần của {name}',
  otp_hint: 'Chỉ hiện một lần; sẽ tự ẩn sau {s} giây. Hãy chuyển cho người dùng qua kênh an toàn.',
  otp_copy: 'Sao chép',
  otp_copied: 'Đã sao chép',
  otp_copyFailed: 'Không sao chép được: hãy chọn và sao chép bằng tay',
  otp_dismiss: 'Ẩn mật khẩu',
} as const;

export const layoutEn: Record<keyof typeof layoutVi, string> = {
  menu: 'Menu',
  valid_required: 'Please fill in this field.',
  valid_choose: 'Please choose at least one item.',
  valid_pattern: 'The value is not in the required format.',
  valid_userName: 'User name: 2–32 characters, lower-case letters, digits, dot, underscore or hyphen.',
  valid_min: 'The value must be at least {min}.',
  valid_max: 'The value must be at most {max}.',
  valid_number: 'Please enter a number.',
  valid_tooLong: 'At most {n} characters.',
  valid_other: 'The value is not valid.',
  otp_title: "{name}'s one-time password",
  otp_hint: 'Shown once; hidden after {s} s. Pass it to the user over a safe channel.',
  otp_copy: 'Copy',
  otp_copied: 'Copied',
  otp_copyFailed: 'Could not copy: select it and copy by hand',
  otp_dismiss: 'Hide the password',
};
