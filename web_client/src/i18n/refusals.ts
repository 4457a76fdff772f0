import { messages } from "../shared/messages";

/**
 * The server's refusals ({code, message}) in the person's language, by code: from the live
 * signaling (signaling/namespace.py, live/, cluster/live_hearings.py), the connection's
 * identification (hearing_server/live_store.py, api/principal.py) and the REST API. Unknown codes
 * fall back to the server's own (English) message. `refusal.file.*`: an exhibit file's upload
 * (evidence/refusal.py, shared/add_file.tsx).
 */
export const refusalMessages = messages(
  {
    "refusal.forbidden": "You are not allowed to do this.",
    "refusal.refused": "This is not possible right now.",
    "refusal.reason_required": "Say why you dispute this: a dispute needs a reason.",
    "refusal.wrong_state": "This is not possible at this stage of the hearing.",
    "refusal.not_found": "This hearing does not exist or is not open to you.",
    "refusal.expired": "This invitation has expired. Ask the court for a new one.",
    "refusal.invitation_expired": "This invitation has expired. Ask the court for a new one.",
    "refusal.revoked": "The court has withdrawn this invitation.",
    "refusal.invitation_revoked": "The court has withdrawn this invitation.",
    "refusal.invitation_withdrawn": "The court has withdrawn your invitation.",
    "refusal.invitation_replaced":
      "The court gave you a new invitation link; this one no longer works. Open the new link.",
    "refusal.invitation_invalid": "This invitation link is not valid. Ask the court for a new one.",
    "refusal.wrong_hearing": "Your invitation is for another hearing.",
    "refusal.unauthenticated": "Open your invitation link again, or log in.",
    "refusal.not_a_participant": "You take no part in this hearing.",
    "refusal.draining":
      "This court server is about to restart. Please try again in a moment.",
    "refusal.unavailable":
      "The court's system is briefly unavailable. Please try again in a moment.",
    "refusal.already_answered": "Your answer is already recorded.",
    "refusal.notice_changed": "The court's notice has changed: please read it again, then answer.",
    "refusal.removed": "The court removed you from this hearing.",
    "refusal.no_side":
      "The court has not yet recorded which side you are on in this case. Ask the court.",
    "refusal.already_exchanged": "The evidence of this case has already been exchanged.",
    "refusal.already_withdrawn": "This exhibit has already been withdrawn.",
    "refusal.withdrawn": "This exhibit was withdrawn.",
    "refusal.represents_nobody": "You act for nobody in this hearing. Ask the court.",
    "refusal.invalid_payload": "The request was not understood. Reload the page and try again.",
    "refusal.invalid_request": "The request was not understood. Check what you entered.",
    "refusal.timeout": "The court's server did not answer. Check your connection.",
    "refusal.network": "The server cannot be reached. Check your connection and try again.",
    "refusal.not_connected": "You are not connected to the hearing yet.",
    "refusal.bad_phase": "This hearing has no such procedure phase.",
    "refusal.screen_taken": "Someone else is sharing their screen: one person at a time.",
    "refusal.not_sharing": "This person is not sharing their screen.",
    "refusal.bad_auth": "The page could not identify you. Reload it.",
    "refusal.internal_error":
      "The court's server had a problem (it was logged). Please try again.",
    "refusal.file.unsupported_type":
      "The court does not accept this kind of file. It accepts PDF, JPEG, PNG, WebP, MP3, M4A, WAV and MP4 files.",
    "refusal.file.too_large": "This file is larger than {limit}, the most the court accepts.",
    "refusal.file.empty_file": "This file is empty.",
    "refusal.file.too_many_pages":
      "This PDF has more than {limit} pages, the most the court accepts.",
    "refusal.file.page_too_large": "A page of this PDF is larger than {limit} inches on a side.",
    "refusal.file.too_many_pixels": "This image has more than {limit} megapixels.",
    "refusal.file.too_long":
      "This recording is longer than {limit} hours, the most the court accepts.",
    "refusal.file.bad_pdf": "This PDF is damaged or is not a PDF the court can read.",
    "refusal.file.encrypted_pdf":
      "This PDF is password-protected or encrypted. Upload a copy without protection.",
    "refusal.file.pdf_too_complex": "This PDF takes too long or too much memory to read.",
    "refusal.file.bad_image": "This image is damaged or incomplete.",
    "refusal.file.image_too_complex": "This image takes too long or too much memory to read.",
    "refusal.file.bad_media": "This audio or video file cannot be read.",
    "refusal.file.media_too_complex":
      "This audio or video file takes too long or too much memory to read.",
    "refusal.file.upload_expired": "This upload took too long and was dropped. Add the file again.",
    "refusal.file.storage_unavailable":
      "The file arrived but could not be stored yet. Tap Resume to try again.",
    "refusal.file.network":
      "The connection dropped. Tap Resume when you are back online: what was sent is kept.",
  },
  {
    "refusal.forbidden": "您无权进行此操作。",
    "refusal.refused": "目前无法进行此操作。",
    "refusal.reason_required": "请填写异议理由：有异议的须说明理由。",
    "refusal.wrong_state": "庭审当前阶段无法进行此操作。",
    "refusal.not_found": "该庭审不存在或您无权参加。",
    "refusal.expired": "此邀请已过期，请向法院申请新的邀请。",
    "refusal.invitation_expired": "此邀请已过期，请向法院申请新的邀请。",
    "refusal.revoked": "法院已撤回此邀请。",
    "refusal.invitation_revoked": "法院已撤回此邀请。",
    "refusal.invitation_withdrawn": "法院已撤回您的邀请。",
    "refusal.invitation_replaced": "法院已向您发送新的邀请链接，此链接已失效，请打开新链接。",
    "refusal.invitation_invalid": "此邀请链接无效，请向法院申请新的链接。",
    "refusal.wrong_hearing": "您的邀请对应的是另一场庭审。",
    "refusal.unauthenticated": "请重新打开邀请链接，或先登录。",
    "refusal.not_a_participant": "您不是本次庭审的参加人。",
    "refusal.draining": "法院服务器即将重启，请稍后再试。",
    "refusal.unavailable": "法院系统暂时不可用，请稍后再试。",
    "refusal.already_answered": "您的意见已记录。",
    "refusal.notice_changed": "法庭须知已更新，请重新阅读后再作答。",
    "refusal.removed": "法庭已将您请出本次庭审。",
    "refusal.no_side": "法庭尚未登记您在本案中的诉讼地位，请与法院联系。",
    "refusal.already_exchanged": "本案证据已经交换。",
    "refusal.already_withdrawn": "该证据已经撤回。",
    "refusal.withdrawn": "该证据已被撤回。",
    "refusal.represents_nobody": "您在本次庭审中未代理任何当事人，请与法院联系。",
    "refusal.invalid_payload": "请求无法识别，请刷新页面后重试。",
    "refusal.invalid_request": "请求无法识别，请检查填写的内容。",
    "refusal.timeout": "法院服务器没有响应，请检查网络连接。",
    "refusal.network": "无法连接服务器，请检查网络后重试。",
    "refusal.not_connected": "您尚未连接到庭审。",
    "refusal.bad_phase": "本次庭审没有该阶段。",
    "refusal.screen_taken": "已有他人在共享屏幕：同一时间只能一人共享。",
    "refusal.not_sharing": "此人没有在共享屏幕。",
    "refusal.bad_auth": "页面无法识别您的身份，请刷新页面。",
    "refusal.internal_error": "法院服务器出现问题（已记录），请重试。",
    "refusal.file.unsupported_type":
      "法院不接受此类文件。可接受的格式：PDF、JPEG、PNG、WebP、MP3、M4A、WAV、MP4。",
    "refusal.file.too_large": "文件超过法院允许的最大大小（{limit}）。",
    "refusal.file.empty_file": "文件为空。",
    "refusal.file.too_many_pages": "PDF页数超过法院允许的上限（{limit}页）。",
    "refusal.file.page_too_large": "PDF中有页面边长超过{limit}英寸。",
    "refusal.file.too_many_pixels": "图片超过{limit}百万像素。",
    "refusal.file.too_long": "录音录像时长超过法院允许的上限（{limit}小时）。",
    "refusal.file.bad_pdf": "该PDF文件已损坏，或不是法院可以读取的PDF文件。",
    "refusal.file.encrypted_pdf": "该PDF文件设有密码或已加密，请上传未加密的副本。",
    "refusal.file.pdf_too_complex": "该PDF文件过于复杂，读取时间或内存超出限制。",
    "refusal.file.bad_image": "图片已损坏或不完整。",
    "refusal.file.image_too_complex": "该图片过于复杂，读取时间或内存超出限制。",
    "refusal.file.bad_media": "无法读取该音频或视频文件。",
    "refusal.file.media_too_complex": "该音频或视频文件过于复杂，读取时间或内存超出限制。",
    "refusal.file.upload_expired": "上传时间过长已失效，请重新添加文件。",
    "refusal.file.storage_unavailable": "文件已收到但暂未保存成功，请点击“继续上传”重试。",
    "refusal.file.network": "网络连接中断。恢复网络后请点击“继续上传”，已上传的部分会保留。",
  },
);
