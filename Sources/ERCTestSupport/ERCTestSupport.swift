// ERCTestSupport
