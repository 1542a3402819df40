/** Việt Nam's provinces and centrally-governed cities by ISO 3166-2:VN code, as TopCV lists locations. */
export const PROVINCES: Readonly<Record<string, string>> = {
  'VN-HN': 'Hà Nội', 'VN-SG': 'Hồ Chí Minh', 'VN-DN': 'Đà Nẵng', 'VN-HP': 'Hải Phòng', 'VN-CT': 'Cần Thơ',
  'VN-01': 'Lai Châu', 'VN-02': 'Lào Cai', 'VN-03': 'Hà Giang', 'VN-04': 'Cao Bằng', 'VN-05': 'Sơn La',
  'VN-06': 'Yên Bái', 'VN-07': 'Tuyên Quang', 'VN-09': 'Lạng Sơn', 'VN-13': 'Quảng Ninh', 'VN-14': 'Hòa Bình',
  'VN-18': 'Ninh Bình', 'VN-20': 'Thái Bình', 'VN-21': 'Thanh Hóa', 'VN-22': 'Nghệ An', 'VN-23': 'Hà Tĩnh',
  'VN-24': 'Quảng Bình', 'VN-25': 'Quảng Trị', 'VN-26': 'Thừa Thiên Huế', 'VN-27': 'Quảng Nam', 'VN-28': 'Kon Tum',
  'VN-29': 'Quảng Ngãi', 'VN-30': 'Gia Lai', 'VN-31': 'Bình Định', 'VN-32': 'Phú Yên', 'VN-33': 'Đắk Lắk',
  'VN-34': 'Khánh Hòa', 'VN-35': 'Lâm Đồng', 'VN-36': 'Ninh Thuận', 'VN-37': 'Tây Ninh', 'VN-39': 'Đồng Nai',
  'VN-40': 'Bình Thuận', 'VN-41': 'Long An', 'VN-43': 'Bà Rịa - Vũng Tàu', 'VN-44': 'An Giang', 'VN-45': 'Đồng Tháp',
  'VN-46': 'Tiền Giang', 'VN-47': 'Kiên Giang', 'VN-49': 'Vĩnh Long', 'VN-50': 'Bến Tre', 'VN-51': 'Trà Vinh',
  'VN-52': 'Sóc Trăng', 'VN-53': 'Bắc Kạn', 'VN-54': 'Bắc Giang', 'VN-55': 'Bạc Liêu', 'VN-56': 'Bắc Ninh',
  'VN-57': 'Bình Dương', 'VN-58': 'Bình Phước', 'VN-59': 'Cà Mau', 'VN-61': 'Hải Dương', 'VN-63': 'Hà Nam',
  'VN-66': 'Hưng Yên', 'VN-67': 'Nam Định', 'VN-68': 'Phú Thọ', 'VN-69': 'Thái Nguyên', 'VN-70': 'Vĩnh Phúc',
  'VN-71': 'Điện Biên', 'VN-72': 'Đắk Nông', 'VN-73': 'Hậu Giang',
};

/** TopCV's industry codes. */
export const INDUSTRIES: Readonly<Record<string, string>> = {
  IT_SOFTWARE: 'IT - Phần mềm',
  IT_HARDWARE: 'IT - Phần cứng / Mạng',
  ACCOUNTING: 'Kế toán / Kiểm toán',
  BANKING: 'Ngân hàng / Tài chính',
  SALES: 'Kinh doanh / Bán hàng',
  MARKETING: 'Marketing / Truyền thông',
  CUSTOMER_SERVICE: 'Dịch vụ khách hàng',
  HUMAN_RESOURCES: 'Nhân sự',
  ADMINISTRATION: 'Hành chính / Văn phòng',
  MANUFACTURING: 'Sản xuất / Vận hành',
  LOGISTICS: 'Xuất nhập khẩu / Logistics',
  CONSTRUCTION: 'Xây dựng',
  HEALTHCARE: 'Y tế / Dược',
  EDUCATION: 'Giáo dục / Đào tạo',
  HOSPITALITY: 'Nhà hàng / Khách sạn',
  TRANSPORT: 'Vận tải / Lái xe',
};

/** TopCV's job levels. */
export const JOB_LEVELS = ['INTERN', 'STAFF', 'TEAM_LEAD', 'MANAGER', 'DIRECTOR'] as const;
