print("imagegen")
