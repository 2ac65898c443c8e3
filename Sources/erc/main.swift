print("erc")
